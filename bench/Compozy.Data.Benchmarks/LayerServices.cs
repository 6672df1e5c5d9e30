using Compozy.Data.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// Registers Compozy.Data from configuration keys, exactly as a host (and the test suite's
/// <c>TestDatabase.BuildServices</c>) does, so the benchmark pays what operators pay.
/// </summary>
internal static class LayerServices
{
    /// <summary>Over a SQLite file; <paramref name="groupCommit"/> is <c>database.sqlite.group_commit</c>.</summary>
    public static ServiceProvider Build(string path, string synchronous = "FULL", string integrityCheck = "OFF", bool groupCommit = true) =>
        Build(new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["database:driver"] = "sqlite",
            ["database:path"] = path,
            ["database:sqlite:synchronous"] = synchronous,

            // synchronous OFF is refused without the opt-in; the benchmark measures it on purpose.
            ["database:sqlite:allow_unsafe_synchronous"] = "true",
            ["database:sqlite:integrity_check_on_startup"] = integrityCheck,
            ["database:sqlite:group_commit"] = groupCommit ? "true" : "false",
        });

    /// <summary>Migrates the SQLite file at <paramref name="path"/> by the layer and closes it, for a raw baseline to run on.</summary>
    public static async Task MigrateAsync(string path, CancellationToken cancellationToken)
    {
        var services = Build(path);
        await using (services.ConfigureAwait(false))
        {
            await services.GetRequiredService<MigrationRunner>().UpAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Over a PostgreSQL database, with every other setting at its default (a pool of 25 connections).</summary>
    public static ServiceProvider BuildPostgres(string connectionString) =>
        Build(new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["database:driver"] = "postgres",
            ["database:conn_string"] = connectionString,
        });

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddCompozyData(configuration)
            .BuildServiceProvider();
    }
}
