using Compozy.Data.Entities;
using Compozy.Data.Providers;
using Compozy.Data.Stores.Workflows;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Compozy.Data.IntegrationTests.Providers;

public sealed class PostgresProviderTests
{
    [Fact]
    public async Task Pool_limits_from_configuration_reach_the_data_source_and_the_password_stays_out_of_descriptions()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Postgres, "pool", new Dictionary<string, string?>
        {
            ["database:max_open_conns"] = "7",
            ["database:max_idle_conns"] = "3",
            ["database:conn_max_lifetime"] = "2m",
            ["database:conn_max_idle_time"] = "30s",
            ["database:connect_timeout"] = "4s",
        });
        var password = new NpgsqlConnectionStringBuilder(db.Location).Password!;

        var built = new NpgsqlConnectionStringBuilder(db.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString);

        (built.MaxPoolSize, built.MinPoolSize, built.ConnectionLifetime, built.ConnectionIdleLifetime, built.Timeout).ShouldBe((7, 3, 120, 30, 4));
        var description = db.Services.GetRequiredService<IConfiguredDatabaseProvider>().Description;
        description.ShouldContain(built.Database!);
        description.ShouldNotContain(password);
        await db.MigrateAsync();
        (await db.Migrations.GetStatusAsync()).IsCurrent.ShouldBeTrue("the pool settings still connect");
    }

    [Fact]
    public async Task Separate_fields_build_the_same_connection_as_a_connection_string()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Postgres, "fields")).MigrateAsync();
        var parts = new NpgsqlConnectionStringBuilder(db.Location);
        await using var services = TestDatabase.BuildServices(new Dictionary<string, string?>
        {
            ["database:driver"] = "postgres",
            ["database:host"] = parts.Host,
            ["database:port"] = parts.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["database:user"] = parts.Username,
            ["database:password"] = parts.Password,
            ["database:dbname"] = parts.Database,
            ["database:sslmode"] = "disable",
        });

        var status = await services.GetRequiredService<Compozy.Data.Migrations.MigrationRunner>().GetStatusAsync();

        // Only the database named by the fields is migrated: any other would show pending migrations.
        status.Applied.ShouldNotBeEmpty();
        status.Pending.ShouldBeEmpty("it reached the migrated database named by the fields");
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("0", false)]
    public async Task The_stores_statements_are_prepared_on_the_server_unless_max_auto_prepare_is_0(string? maxAutoPrepare, bool prepared)
    {
        // One pooled connection, so the statements the stores ran and the check below share a session.
        var settings = new Dictionary<string, string?> { ["database:max_open_conns"] = "1", ["database:max_idle_conns"] = "1" };
        if (maxAutoPrepare is not null)
        {
            settings["database:max_auto_prepare"] = maxAutoPrepare;
        }

        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Postgres, "prepare", settings)).MigrateAsync();
        var workflows = db.Services.GetRequiredService<IWorkflowStore>();

        for (var i = 0; i < 3; i++)
        {
            var now = DateTime.UtcNow;
            await workflows.UpsertStateAsync(new WorkflowState
            {
                WorkflowExecId = $"wf-prepared-{i}",
                WorkflowId = "prepared",
                Status = ExecutionStatus.Running,
                CreatedAt = now,
                UpdatedAt = now,
            });
            (await workflows.GetStateAsync($"wf-prepared-{i}")).State.WorkflowId.ShouldBe("prepared");
        }

        await using var connection = await db.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%workflow_states%'", connection);
        var count = (long)(await command.ExecuteScalarAsync())!;

        if (prepared)
        {
            count.ShouldBeGreaterThanOrEqualTo(2, "the upsert and the get each ran three times on this session");
        }
        else
        {
            count.ShouldBe(0, "max_auto_prepare 0 turns automatic preparation off");
        }
    }
}
