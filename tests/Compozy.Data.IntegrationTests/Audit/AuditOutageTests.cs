using System.Diagnostics;
using Compozy.Data.IntegrationTests.Faults;
using Compozy.Data.Migrations;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Compozy.Data.IntegrationTests.Audit;

/// <summary>
/// The database taken away under admin actions, and every audit entry found once when it is back:
/// PostgreSQL stopped (on the fault tests' own server, so no other test sees the outage); the
/// SQLite database and its WAL made immutable (<c>chattr +i</c>, which root respects, unlike a mode).
/// </summary>
[Collection(DedicatedPostgresServerDefinition.Name)]
public sealed class AuditOutageTests(DedicatedPostgresServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task Postgres_stopped_every_admin_action_is_recorded_once_after_it_is_back()
    {
        output.WriteLine($"server: {server.Description}");
        var connectionString = await server.CreateDatabaseAsync("audit_outage");
        var settings = AuditLogTests.AuditSettings();
        settings["database:driver"] = "postgres";
        settings["database:conn_string"] = connectionString;

        // One attempt per entry: the writer already retries a lost connection with backoff for
        // about 20 s, and more attempts would only make the test slower, not different.
        settings["database:audit:retry_attempts"] = "1";
        await using var services = TestDatabase.BuildServices(settings);
        await services.GetRequiredService<MigrationRunner>().UpAsync();

        await AuditOutageScenario.RunAsync(services, settings["database:audit:fallback_path"]!, server.StopAsync, server.StartAgainAsync);
    }

    [Fact]
    public async Task Sqlite_made_unwritable_every_admin_action_is_recorded_once_after_it_is_writable_again()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"compozy-audit-outage-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var database = Path.Combine(directory, "compozy.db");
        var settings = AuditLogTests.AuditSettings();
        settings["database:driver"] = "sqlite";
        settings["database:path"] = database;
        string[] immutable = [database, database + "-wal"];
        try
        {
            await using var services = TestDatabase.BuildServices(settings);
            await services.GetRequiredService<MigrationRunner>().UpAsync();

            await AuditOutageScenario.RunAsync(
                services,
                settings["database:audit:fallback_path"]!,
                () => ChattrAsync("+i", immutable),
                () => ChattrAsync("-i", immutable));
        }
        finally
        {
            await ChattrAsync("-i", immutable);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task ChattrAsync(string change, string[] paths)
    {
        var info = new ProcessStartInfo("chattr") { RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(change);
        foreach (var path in paths.Where(File.Exists))
        {
            info.ArgumentList.Add(path);
        }

        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(0, $"chattr {change} failed: {error}. The SQLite outage needs root and a filesystem with the immutable attribute (ext4, xfs, btrfs).");
    }
}
