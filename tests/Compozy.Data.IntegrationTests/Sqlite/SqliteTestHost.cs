using Compozy.Data.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.IntegrationTests.Sqlite;

/// <summary>A generic host over a SQLite file, running the layer's hosted services as <c>compozy start</c> does.</summary>
internal sealed class SqliteTestHost : IAsyncDisposable
{
    private SqliteTestHost(IHost host, CapturedLogs logs)
    {
        Host = host;
        Logs = logs;
    }

    public IHost Host { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => Host.Services;

    public static SqliteTestHost Create(string path, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? before = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["database:driver"] = "sqlite",
            ["database:path"] = path,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var logs = new CapturedLogs();
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        before?.Invoke(builder.Services);
        builder.Services.AddCompozyData(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        return new SqliteTestHost(builder.Build(), logs);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Host.StopAsync();
        }
        finally
        {
            Host.Dispose();
        }
    }
}
