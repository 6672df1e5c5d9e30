using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Compozy.Api;
using Compozy.Api.OpenApi;
using Compozy.Data.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Cli.Tests;

/// <summary>
/// The OpenAPI document and the reference page of a running host, checked against what the
/// host's router actually has, not against a list written here.
/// </summary>
public sealed partial class OpenApiDocumentTests
{
    [Theory, DatabaseData]
    public async Task The_document_has_every_endpoint_of_the_router_with_each_declared_status_and_its_problems(DatabaseKind database)
    {
        await using var host = await InProcessHost.StartAsync(database, "openapi_document");
        using var anonymous = new HttpClient { BaseAddress = host.BaseAddress };
        var document = await GetDocumentAsync(anonymous);
        var paths = document.GetProperty("paths");
        var endpoints = DescribedEndpoints(host);

        // The API under its prefix is all described; what is left out (the probes, the document
        // and the page themselves) is outside it.
        AllRouteEndpoints(host).Where(endpoint => endpoint.RoutePattern.RawText!.StartsWith(ApiEndpoints.Prefix + "/", StringComparison.Ordinal))
            .ShouldAllBe(endpoint => !IsExcluded(endpoint));
        endpoints.Count.ShouldBeGreaterThan(30);
        paths.EnumerateObject().Sum(path => path.Value.EnumerateObject().Count()).ShouldBe(endpoints.Count, "the document has operations the router does not");

        foreach (var endpoint in endpoints)
        {
            var where = $"{endpoint.Method} {endpoint.Path}";
            paths.TryGetProperty(endpoint.Path, out var path).ShouldBeTrue($"{where} is not in the document");
            path.TryGetProperty(endpoint.Method.ToLowerInvariant(), out var operation).ShouldBeTrue($"{where} is not in the document");
            var responses = operation.GetProperty("responses");

            var statuses = endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Select(produces => produces.StatusCode).Distinct().ToList();
            statuses.ShouldContain(status => status < 300, $"{where} declares no success status");
            statuses.ShouldContain(StatusCodes.Status401Unauthorized, $"{where} declares no 401");
            statuses.ShouldContain(StatusCodes.Status400BadRequest, $"{where} declares no 400");
            foreach (var status in statuses)
            {
                responses.TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response)
                    .ShouldBeTrue($"{where} declares {status}, which the document lacks");
                if (status < 400)
                {
                    continue;
                }

                response.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString()
                    .ShouldBe("#/components/schemas/ProblemResponse", $"{where} {status}");
                var codes = endpoint.Metadata.OfType<ProblemAnswers>().SelectMany(answers => answers.Problems).Where(problem => problem.Status == status).ToList();
                codes.ShouldNotBeEmpty($"{where} declares {status} without a problem code");
                foreach (var code in codes)
                {
                    response.GetProperty("description").GetString()!.ShouldContain($"`{code.Code}`", customMessage: $"{where} {status}");
                }
            }

            if (endpoint.Metadata.OfType<IAuthorizeData>().Any())
            {
                operation.GetProperty("security").EnumerateArray().ShouldContain(
                    requirement => requirement.EnumerateObject().Any(scheme => scheme.Name == "ApiKey"), $"{where} needs a key but the document does not say so");
            }
        }

        var components = document.GetProperty("components");
        var scheme = components.GetProperty("securitySchemes").GetProperty("ApiKey");
        scheme.GetProperty("type").GetString().ShouldBe("http");
        scheme.GetProperty("scheme").GetString().ShouldBe("bearer");
        var problem = components.GetProperty("schemas").GetProperty("ProblemResponse").GetProperty("properties");
        problem.EnumerateObject().Select(property => property.Name).ShouldBe(["type", "title", "status", "detail", "code", "errors", "trace_id"], ignoreOrder: true);
    }

    [Theory, DatabaseData]
    public async Task Each_described_body_and_query_names_the_fields_the_endpoint_reads(DatabaseKind database)
    {
        await using var host = await InProcessHost.StartAsync(database, "openapi_fields");
        using var anonymous = new HttpClient { BaseAddress = host.BaseAddress };
        using var admin = new HttpClient { BaseAddress = host.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.AdminKey);
        var document = await GetDocumentAsync(anonymous);

        var bodies = 0;
        var queries = 0;
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            var target = PathParameter().Replace(path.Name, "x");
            foreach (var operation in path.Value.EnumerateObject())
            {
                var method = new HttpMethod(operation.Name.ToUpperInvariant());
                var where = $"{method} {path.Name}";
                var documented = operation.Value.TryGetProperty("parameters", out var parameters)
                    ? parameters.EnumerateArray().Where(parameter => parameter.GetProperty("in").GetString() == "query").Select(parameter => parameter.GetProperty("name").GetString()!).ToList()
                    : [];

                // The answer to a parameter no endpoint knows lists those the endpoint reads.
                var (status, problem) = await ApiSession.SendAsync(admin, method, $"{target}?not_a_parameter=1");
                status.ShouldBe(HttpStatusCode.BadRequest, where);
                var message = problem.GetProperty("errors").GetProperty("not_a_parameter")[0].GetString()!;
                if (documented.Count == 0)
                {
                    message.ShouldBe("is not a parameter of this request, which takes no query parameters", where);
                }
                else
                {
                    queries++;
                    Allowed(message).ShouldBe(documented, ignoreOrder: true, where);
                }

                if (operation.Value.TryGetProperty("requestBody", out var body))
                {
                    bodies++;
                    var fields = body.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("properties")
                        .EnumerateObject().Select(property => property.Name).ToList();
                    (status, problem) = await ApiSession.SendAsync(admin, method, target, """{"not_a_field": 1}""");
                    status.ShouldBe(HttpStatusCode.BadRequest, where);
                    Allowed(problem.GetProperty("errors").GetProperty("not_a_field")[0].GetString()!).ShouldBe(fields, ignoreOrder: true, where);
                }
            }
        }

        bodies.ShouldBe(12);
        queries.ShouldBe(3);
    }

    [Theory, DatabaseData]
    public async Task The_reference_page_loads_from_the_host_alone_without_a_key(DatabaseKind database)
    {
        await using var host = await InProcessHost.StartAsync(database, "openapi_page");
        using var anonymous = new HttpClient { BaseAddress = host.BaseAddress };

        using var page = await anonymous.GetAsync(new Uri(ApiEndpoints.ReferencePagePath + "/", UriKind.Relative));
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("\"url\":\"openapi/v1.json\"", customMessage: "the page reads another document");

        // Everything the page loads comes from the host: no CDN, no font service.
        AbsoluteUrl().Matches(html).ShouldBeEmpty();
        var scripts = ScriptSource().Matches(html).Select(match => match.Groups[1].Value).ToList();
        scripts.ShouldContain("scalar.js");
        foreach (var script in scripts)
        {
            using var asset = await anonymous.GetAsync(new Uri(host.BaseAddress, ApiEndpoints.ReferencePagePath + "/" + script));
            asset.StatusCode.ShouldBe(HttpStatusCode.OK, script);
            asset.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript", script);
            (await asset.Content.ReadAsByteArrayAsync()).Length.ShouldBeGreaterThan(1000, script);
        }

        (await GetDocumentAsync(anonymous)).GetProperty("openapi").GetString().ShouldStartWith("3.");
    }

    private static async Task<JsonElement> GetDocumentAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri(ApiEndpoints.OpenApiDocumentPath, UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private static List<RouteEndpoint> AllRouteEndpoints(InProcessHost host) =>
        host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    /// <summary>Every method and path the router serves that is not explicitly left out of the document.</summary>
    private static List<(string Method, string Path, EndpointMetadataCollection Metadata)> DescribedEndpoints(InProcessHost host) =>
        AllRouteEndpoints(host)
            .Where(endpoint => !IsExcluded(endpoint))
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["(any method)"])
                .Select(method => (method, "/" + endpoint.RoutePattern.RawText!.Trim('/'), endpoint.Metadata)))
            .ToList();

    private static bool IsExcluded(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true };

    /// <summary>The names after "allowed: " in a problem message.</summary>
    private static List<string> Allowed(string message) =>
        message[(message.IndexOf("allowed: ", StringComparison.Ordinal) + "allowed: ".Length)..].Split(", ").ToList();

    [GeneratedRegex(@"\{[a-z_]+\}")]
    private static partial Regex PathParameter();

    [GeneratedRegex(@"https?://")]
    private static partial Regex AbsoluteUrl();

    [GeneratedRegex("<script[^>]*src=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
