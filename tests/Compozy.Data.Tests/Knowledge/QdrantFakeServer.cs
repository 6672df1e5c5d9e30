using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// An in-process gRPC server (Kestrel, HTTP/2, Grpc.AspNetCore) serving <see cref="QdrantFakeService"/>
/// on a loopback port, so the store is tested through a real channel: HTTP/2 framing, metadata,
/// deadlines, status codes and trailers as Grpc.Net.Client sees them from a real Qdrant.
/// </summary>
public sealed class QdrantFakeServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private QdrantFakeServer(WebApplication app, QdrantFakeService service, Uri address)
    {
        _app = app;
        Service = service;
        Address = address;
    }

    public QdrantFakeService Service { get; }

    /// <summary>Where it listens: <c>http://127.0.0.1:port</c> (<c>https</c> with a certificate).</summary>
    public Uri Address { get; }

    /// <summary>Starts a server on <paramref name="address"/> (default 127.0.0.1) and <paramref name="port"/> (default: any free one).</summary>
    /// <param name="address">The loopback address to listen on.</param>
    /// <param name="port">The port, 0 for any free one.</param>
    /// <param name="certificate">Serve TLS with this certificate.</param>
    public static async Task<QdrantFakeServer> StartAsync(IPAddress? address = null, int port = 0, X509Certificate2? certificate = null)
    {
        var service = new QdrantFakeService();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address ?? IPAddress.Loopback, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(service);
        builder.Services.AddSingleton<IServiceMethodProvider<QdrantFakeService>, QdrantContractMethods>();
        var app = builder.Build();
        app.MapGrpcService<QdrantFakeService>();
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new QdrantFakeServer(app, service, new Uri(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
