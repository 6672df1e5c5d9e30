using Compozy.Data.Migrations;
using Compozy.Data.Persistence;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Testing;

/// <summary>
/// An isolated, real database of one kind, with the Compozy.Data services registered over it
/// exactly as a host would: a SQLite file in its own temporary directory, or a PostgreSQL
/// database of its own. Disposing removes it.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private TestDatabase(DatabaseKind kind, ServiceProvider services, string location, string? directory)
    {
        Kind = kind;
        _services = services;
        Location = location;
        Directory = directory;
    }

    /// <summary>Which database this is.</summary>
    public DatabaseKind Kind { get; }

    /// <summary>The SQLite file path, or the PostgreSQL connection string.</summary>
    public string Location { get; }

    /// <summary>The temporary directory of a SQLite database.</summary>
    public string? Directory { get; }

    /// <summary>The registered services.</summary>
    public IServiceProvider Services => _services;

    /// <summary>Read contexts.</summary>
    public IDbContextFactory<CompozyDbContext> Contexts => _services.GetRequiredService<IDbContextFactory<CompozyDbContext>>();

    /// <summary>The writer.</summary>
    public IDatabaseWriter Writer => _services.GetRequiredService<IDatabaseWriter>();

    /// <summary>The migration runner.</summary>
    public MigrationRunner Migrations => _services.GetRequiredService<MigrationRunner>();

    /// <summary>Configuration settings that select this database, for building more hosts over it.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; private init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Creates an empty database of <paramref name="kind"/>; <paramref name="settings"/> add or
    /// override keys; <paramref name="clock"/>, when given, is the stores' <see cref="TimeProvider"/>;
    /// <paramref name="logs"/>, when given, captures logging.
    /// </summary>
    public static async Task<TestDatabase> CreateAsync(
        DatabaseKind kind, string purpose, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? clock = null, CapturedLogs? logs = null)
    {
        string location;
        string? directory = null;
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (kind == DatabaseKind.Sqlite)
        {
            directory = Path.Combine(Path.GetTempPath(), $"compozy-test-{Guid.NewGuid():N}");
            System.IO.Directory.CreateDirectory(directory);
            location = Path.Combine(directory, "compozy.db");
            values["database:driver"] = "sqlite";
            values["database:path"] = location;
        }
        else
        {
            location = await PostgresServer.CreateDatabaseAsync(purpose);
            values["database:driver"] = "postgres";
            values["database:conn_string"] = location;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var services = BuildServices(values, clock is null ? null : registrations => registrations.AddSingleton(clock), logs);
        return new TestDatabase(kind, services, location, directory) { Settings = values };
    }

    /// <summary>
    /// Registers Compozy.Data over <paramref name="settings"/> as a host would.
    /// <paramref name="before"/> registers services first, to replace the ones the layer adds only
    /// when missing (the filesystem probe, for example); <paramref name="logs"/> captures logging.
    /// </summary>
    public static ServiceProvider BuildServices(
        IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? before = null, CapturedLogs? logs = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            if (logs is not null)
            {
                logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
            }
        });
        before?.Invoke(services);
        // Validated as a Development host would be, so every test also proves the registrations
        // resolve and no singleton holds a scoped service.
        return services.AddCompozyData(configuration).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>
    /// Runs SQL on a connection of its own, outside the registered services, as another process
    /// would (for example to prepare a state before a CLI child process runs).
    /// </summary>
    public async Task ExecuteRawAsync(string sql)
    {
        await using System.Data.Common.DbConnection connection = Kind == DatabaseKind.Sqlite
            ? new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Location};Pooling=False")
            : new Npgsql.NpgsqlConnection(Location);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Applies every migration.</summary>
    public async Task<TestDatabase> MigrateAsync()
    {
        await Migrations.UpAsync();
        return this;
    }

    /// <summary>
    /// Disposes the registered services (closing every connection, as a process exit would) but
    /// keeps the database, for tests that reopen it another way. The services cannot be used after.
    /// </summary>
    public async Task DisposeServicesAsync() => await _services.DisposeAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (Kind == DatabaseKind.Postgres)
        {
            await PostgresServer.DropDatabaseAsync(Location);
        }
        else if (Directory is not null)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a crashed child process; the OS temp cleaner takes it.
            }
        }
    }
}
