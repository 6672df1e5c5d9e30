using Compozy.Data.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry.Metrics;

namespace Compozy.Cli.Hosting;

/// <summary>
/// <c>/metrics</c> of <c>compozy start</c>: the <c>Compozy.Data</c> meter, Npgsql's connection
/// pool and command metrics, ASP.NET Core's request metrics and the .NET runtime's, in the
/// Prometheus text format written by OpenTelemetry's Prometheus exporter.
/// </summary>
/// <remarks>
/// The endpoint takes no API key, like <c>/healthz</c>: what it serves is counts, sizes and
/// durations (no row, no user, no key), scrapers are simplest to run without a secret, and the
/// host listens on loopback unless told otherwise. An operator who exposes the port puts it
/// behind the same network policy as <c>/healthz</c> (docs/operations/wal-monitoring.md).
/// </remarks>
internal static class HostMetrics
{
    /// <summary>The scrape path.</summary>
    public const string Path = "/metrics";

    public static IServiceCollection AddCompozyMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(CompozyDataMeter.Name)
            .AddNpgsqlInstrumentation()
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Maps the scrape endpoint, left out of the OpenAPI document, which describes the API only.</summary>
    public static IEndpointConventionBuilder MapCompozyMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint(Path).ExcludeFromDescription();
}
