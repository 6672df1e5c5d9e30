using System.CommandLine;
using System.Data.Common;
using System.Net;
using System.Text.Json;
using Compozy.Api;
using Compozy.Cli.Configuration;
using Compozy.Cli.Hosting;
using Compozy.Data.Configuration;
using Compozy.Data.Health;
using Compozy.Data.Knowledge;
using Compozy.Data.Migrations;
using Compozy.Data.Operations;
using Compozy.Data.Startup;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Cli.Commands;

/// <summary><c>compozy start</c>: the host.</summary>
internal static class StartCommand
{
    public static Command Create(CliConsole console, ConfigurationFlags dataFlags)
    {
        var serverFlags = new ConfigurationFlags(ServerConfigurationKeys.All, recursive: false);
        var noMigrate = new Option<bool>("--no-migrate")
        {
            Description = "Do not apply pending migrations; refuse to start if any are pending (same as database.auto_migrate: false).",
        };
        var start = new Command("start", "Validate configuration, bring the database schema up to date, and serve the API (/api/v0), /healthz and /readyz until SIGTERM or Ctrl-C.")
        {
            noMigrate,
        };
        foreach (var option in serverFlags.KeyOptions)
        {
            start.Options.Add(option);
        }

        start.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, console, dataFlags, serverFlags, parseResult.GetValue(noMigrate)));
        return start;
    }

    private static async Task<int> RunAsync(
        ParseResult parseResult, CliConsole console, ConfigurationFlags dataFlags, ConfigurationFlags serverFlags, bool noMigrate)
    {
        var loaded = ConfigurationLoader.Load(parseResult, console, [dataFlags, serverFlags], readServer: true);
        if (loaded?.Server is not { } server)
        {
            return ExitCodes.InvalidConfiguration;
        }

        if (noMigrate)
        {
            loaded.Options.Database.AutoMigrate = false;
        }

        return await RunHostAsync(BuildHost(loaded, server), console, loaded).ConfigureAwait(false);
    }

    /// <summary>
    /// The host <c>start</c> runs, built but not started: the API (with its OpenAPI document and
    /// reference page), <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>. The probes and the
    /// metrics are left out of the OpenAPI document, which describes the API; docs/cli/start.md
    /// describes them.
    /// </summary>
    internal static WebApplication BuildHost(LoadedConfiguration loaded, ServerOptions server)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "compozy",
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        builder.Logging.AddCompozyCliLogging();
        builder.Services.AddSingleton(new LiveOptions<ServerOptions>(server));
        builder.Services.AddSingleton<IOptionsChangeTokenSource<LoggerFilterOptions>, LogLevelChangeTokenSource>();
        builder.Services.AddSingleton<IConfigureOptions<LoggerFilterOptions>>(services =>
            new ConfigureOptions<LoggerFilterOptions>(filter => filter.MinLevel = services.GetRequiredService<LiveOptions<ServerOptions>>().Current.LogLevel));
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = server.ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(new IPEndPoint(server.Address, server.Port));
            kestrel.Limits.MaxRequestBodySize = server.MaxBodySize;
        });
        builder.Services.AddCompozyData(loaded.Options, loaded.Provider, loaded.Warnings);
        builder.Services.AddCompozyApi();
        builder.Services.AddCompozyMetrics();
        if (loaded is { Inputs.ConfigFile: not null, Reader: not null })
        {
            builder.Services.AddSingleton(services => new ConfigurationReloader(
                loaded, services, services.GetRequiredService<ILogger<ConfigurationReloader>>()));
            builder.Services.AddHostedService<ConfigurationReloadService>();
        }

        var app = builder.Build();
        app.UseCompozyApi();
        app.MapCompozyApi();
        app.MapCompozyMetrics();
        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = WriteHealthAsync,
        }).ExcludeFromDescription();
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(DatabaseReadinessHealthCheck.ReadyTag),
            ResponseWriter = WriteHealthAsync,
        }).ExcludeFromDescription();
        return app;
    }

    private static async Task<int> RunHostAsync(WebApplication app, CliConsole console, LoadedConfiguration loaded)
    {
        // Resolved before the run: RunAsync disposes the services when it returns.
        var fault = app.Services.GetRequiredService<DatabaseFault>();
        try
        {
            await app.RunAsync().ConfigureAwait(false);
            if (fault.Reason is { } reason)
            {
                // A stop after the database became unusable is not a clean shutdown.
                await console.Error.WriteLineAsync($"compozy: the host stopped after losing its database: {reason}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            return ExitCodes.Success;
        }
        catch (Exception exception) when (exception is PendingMigrationsException or NewerSchemaException)
        {
            await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.SchemaNotCurrent;
        }
        catch (MigrationFailedException exception)
        {
            await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (DatabaseIntegrityException exception)
        {
            await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.DatabaseDamaged;
        }
        catch (VectorStoreException exception)
        {
            await console.Error.WriteLineAsync($"compozy: start failed: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (Exception exception) when (exception is DbException or IOException or InvalidOperationException or TimeoutException or UnauthorizedAccessException)
        {
            await console.Error.WriteLineAsync($"compozy: start failed on {loaded.Provider.Description}: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// <c>{"status":…,"checks":{name:{"status":…,"description":…}}}</c>. Written with a
    /// <see cref="Utf8JsonWriter"/>, not serialized from an object: the first <c>/readyz</c> is on
    /// the way to ready, and the serializer building its reflection metadata for the body's type
    /// took a few tens of milliseconds of it (bench/README.md, "Start-up, without a query").
    /// </summary>
    private static async Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("status", HealthStatusName(report.Status));
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", HealthStatusName(entry.Status));
            json.WriteString("description", entry.Description);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static string HealthStatusName(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
