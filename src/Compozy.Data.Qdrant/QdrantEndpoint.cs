using System.Globalization;

namespace Compozy.Data.Qdrant;

/// <summary>
/// Where the store reaches Qdrant's gRPC API. Qdrant serves REST on port 6333 and gRPC on 6334,
/// and Compozy's docs have always shown the REST address (<c>url: http://localhost:6333</c>), so:
/// <c>options.grpc_port</c>, when set, is the port; otherwise a url on 6333 means the gRPC port of
/// the same host (6334), a url on 6334 is used as is, and any other port is refused because
/// nothing says which protocol it serves. gRPC has no path, query or user info, so a url with
/// any of them is refused too.
/// </summary>
/// <param name="Address">The gRPC address: scheme, host and port, nothing else.</param>
/// <param name="ConfiguredUrl">The url as configured, scheme, host and port only, for messages.</param>
/// <param name="MappedFromRestPort">Whether the port was derived from a url on Qdrant's REST port.</param>
internal sealed record QdrantEndpoint(Uri Address, string ConfiguredUrl, bool MappedFromRestPort)
{
    /// <summary>The port Qdrant serves its REST API on unless configured otherwise.</summary>
    public const int RestPort = 6333;

    /// <summary>The port Qdrant serves its gRPC API on unless configured otherwise.</summary>
    public const int GrpcPort = 6334;

    /// <summary>The address for messages and logs: <c>http://localhost:6334</c>.</summary>
    public string Display => Address.GetLeftPart(UriPartial.Authority);

    /// <summary>
    /// The endpoint of <paramref name="url"/> and <paramref name="grpcPort"/>, or
    /// <see langword="null"/> with <paramref name="problem"/> saying everything to change.
    /// </summary>
    public static QdrantEndpoint? Resolve(Uri url, int? grpcPort, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(url);
        var port = grpcPort ?? url.Port switch
        {
            RestPort => GrpcPort,
            GrpcPort => GrpcPort,
            _ => (int?)null,
        };

        var problems = new List<string>();
        if (url.UserInfo.Length > 0)
        {
            problems.Add("carries a user name or password, which the qdrant provider does not send: remove it from the url and put the API key in options.api_key");
        }

        if (url.AbsolutePath != "/" || url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            var root = port is null ? $"{url.Scheme}://{url.Host}:{GrpcPort}" : $"{url.Scheme}://{url.Authority}";
            problems.Add($"has a path or query ({url.PathAndQuery}{url.Fragment}), but the qdrant provider talks gRPC, which addresses Qdrant at the root of a host and port: remove it (a reverse proxy must forward gRPC at the root), for example {root}");
        }

        if (port is null)
        {
            var which = url.IsDefaultPort
                ? string.Create(CultureInfo.InvariantCulture, $"port {url.Port} ({url.Scheme}'s default)")
                : string.Create(CultureInfo.InvariantCulture, $"port {url.Port}");
            problems.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"has {which}, which is neither Qdrant's REST port ({RestPort}) nor its gRPC port ({GrpcPort}), and the qdrant provider talks gRPC: set options.grpc_port to the port Qdrant serves gRPC on ({GrpcPort} unless changed), or write the url with :{RestPort} or :{GrpcPort}"));
        }

        if (problems.Count > 0)
        {
            // Never the url as written: its user info may hold a password.
            var shown = url.GetComponents(UriComponents.SchemeAndServer | UriComponents.PathAndQuery, UriFormat.UriEscaped);
            problem = $"\"{shown}\" {string.Join("; it also ", problems)}";
            return null;
        }

        problem = null;
        var address = new UriBuilder(url.Scheme, url.Host, port!.Value).Uri;
        return new QdrantEndpoint(address, url.GetLeftPart(UriPartial.Authority), MappedFromRestPort: grpcPort is null && url.Port == RestPort);
    }
}
