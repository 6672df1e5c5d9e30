using System.Globalization;
using System.Reflection;
using System.Text;
using Compozy.Data.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Compozy.Api.Requests;

/// <summary>
/// Checks the request target (path and query) of every API endpoint before its handler runs:
/// each id in the path is decoded exactly once from the target as the client sent it and checked
/// like ids anywhere else, and an endpoint without <see cref="TakesQueryParameters"/> refuses every
/// query parameter.
/// </summary>
/// <remarks>
/// Kestrel decodes the path once but leaves <c>%2F</c> encoded, so that it cannot split a
/// segment, while it does decode <c>%25</c>: the route values of <c>a%2Fb</c> and of
/// <c>a%252Fb</c> are both the text <c>a%2Fb</c>, and an invalid escape such as <c>%FF</c> is kept
/// as typed. Decoding the raw segment here instead gives <c>a/b</c> and <c>a%2Fb</c>, the ids a
/// body names with the same text, and refuses what is not UTF-8. The platform has no option for
/// this, hence the code.
/// </remarks>
internal static class RequestTargetFilter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>An endpoint filter factory for <c>AddEndpointFilterFactory</c>.</summary>
    public static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var parameters = context.MethodInfo.GetParameters();
        return invocation =>
        {
            var http = invocation.HttpContext;
            var problems = new RequestProblems();
            var endpoint = http.GetEndpoint();
            if (endpoint is RouteEndpoint { RoutePattern: { Parameters.Count: > 0 } pattern })
            {
                ReadPathIds(http, pattern, parameters, invocation.Arguments, problems);
            }

            if (endpoint?.Metadata.GetMetadata<TakesQueryParameters>() is null)
            {
                foreach (var name in http.Request.Query.Keys)
                {
                    problems.Add(name, "is not a parameter of this request, which takes no query parameters");
                }
            }

            problems.ThrowIfAny();
            return next(invocation);
        };
    }

    private static void ReadPathIds(HttpContext http, RoutePattern pattern, ParameterInfo[] parameters, IList<object?> arguments, RequestProblems problems)
    {
        var segments = RawSegments(http);
        if (segments.Count != pattern.PathSegments.Count)
        {
            // Kestrel removed '.' or '..' steps, or merged what the client sent some other way.
            problems.Add("path", "has '.' or '..' segments or empty ones; send each id as one segment, percent-encoded (RFC 3986)");
            return;
        }

        for (var index = 0; index < segments.Count; index++)
        {
            if (pattern.PathSegments[index].Parts is not [RoutePatternParameterPart { Name: var name }])
            {
                continue;
            }

            var value = Decode(segments[index], out var problem);
            if (value is null)
            {
                problems.Add(name, problem!);
                continue;
            }

            RequestIds.Check(problems, name, value);
            var position = Array.FindIndex(parameters, parameter => RouteName(parameter) == name && parameter.ParameterType == typeof(string));
            if (position >= 0)
            {
                arguments[position] = value;
            }
        }
    }

    /// <summary>The route value a handler parameter binds to: its <c>[FromRoute(Name = ...)]</c>, else its own name.</summary>
    private static string? RouteName(ParameterInfo parameter) =>
        parameter.GetCustomAttributes().OfType<IFromRouteMetadata>().FirstOrDefault()?.Name ?? parameter.Name;

    /// <summary>The path's segments as sent (still percent-encoded), after the path base.</summary>
    private static List<string> RawSegments(HttpContext http)
    {
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
        {
            // No raw target (a host other than Kestrel): the path as decoded is all there is.
            target = http.Request.PathBase.Add(http.Request.Path).ToUriComponent();
        }

        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? target : target[..query];
        if (!path.StartsWith('/'))
        {
            // The absolute form, http://host/path, that proxies send.
            var authority = path.IndexOf("://", StringComparison.Ordinal);
            var start = authority < 0 ? -1 : path.IndexOf('/', authority + 3);
            path = start < 0 ? "/" : path[start..];
        }

        var segments = path.Split('/').Skip(1).ToList();
        if (segments.Count > 1 && segments[^1].Length == 0)
        {
            // Routing matches /workflows/x/ as /workflows/x.
            segments.RemoveAt(segments.Count - 1);
        }

        var pathBase = http.Request.PathBase;
        var baseSegments = pathBase.HasValue ? pathBase.Value!.Count(character => character == '/') : 0;
        return segments.Skip(baseSegments).ToList();
    }

    /// <summary>Percent-decodes a segment once into UTF-8 text; <see langword="null"/> with the problem when it cannot be.</summary>
    private static string? Decode(string segment, out string? problem)
    {
        problem = null;
        if (!segment.Contains('%', StringComparison.Ordinal))
        {
            return segment;
        }

        var bytes = new List<byte>(segment.Length);
        for (var index = 0; index < segment.Length; index++)
        {
            if (segment[index] != '%')
            {
                var end = segment.IndexOf('%', index);
                end = end < 0 ? segment.Length : end;
                bytes.AddRange(Encoding.UTF8.GetBytes(segment[index..end]));
                index = end - 1;
            }
            else if (index + 2 < segment.Length && byte.TryParse(segment.AsSpan(index + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var decoded))
            {
                bytes.Add(decoded);
                index += 2;
            }
            else
            {
                problem = "has a '%' that is not followed by two hexadecimal digits; write a '%' in an id as %25";
                return null;
            }
        }

        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            problem = "is not UTF-8 text once percent-decoded; percent-encode the id's UTF-8 bytes";
            return null;
        }
    }
}
