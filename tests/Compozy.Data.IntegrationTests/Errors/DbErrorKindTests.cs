using System.Diagnostics;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Compozy.Data.IntegrationTests.Errors;

/// <summary>Every error kind that can be provoked on a real database is classified by code, on each database.</summary>
public sealed class DbErrorKindTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    [Theory, DatabaseData]
    public async Task A_duplicate_key_is_a_unique_conflict(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var email = $"{Guid.NewGuid():N}@example.io";
        await Insert(db, User(email));

        var error = await Translate(db, () => Insert(db, User(email.ToUpperInvariant())));

        error.Kind.ShouldBe(DbErrorKind.UniqueConflict);
        error.Message.ShouldContain("already exists");
    }

    [Theory, DatabaseData]
    public async Task A_missing_parent_is_a_foreign_key_error(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);

        var error = await Translate(db, () => Insert(db, TaskOf("no-such-workflow", agent: null, action: null)));

        error.Kind.ShouldBe(DbErrorKind.ForeignKey);
    }

    [Theory, DatabaseData]
    public async Task A_broken_rule_is_a_check_error_naming_the_constraint(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var workflow = Workflow();
        await Insert(db, workflow);

        var error = await Translate(db, () => Insert(db, TaskOf(workflow.WorkflowExecId, agent: "agent", action: null)));

        error.Kind.ShouldBe(DbErrorKind.Check);
        error.Constraint.ShouldNotBeNull().ShouldContain("ck_task_states_execution_type_components");
    }

    [Theory, DatabaseData]
    public async Task A_write_where_only_reads_are_allowed_is_a_read_only_error(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);

        // SQLite's read connections are query_only; PostgreSQL is told the transaction only reads.
        var error = database == DatabaseKind.Sqlite
            ? await Translate(db, async () =>
            {
                await using var context = await db.Contexts.CreateDbContextAsync();
                await context.Database.ExecuteSqlRawAsync("DELETE FROM users WHERE id = 'nobody'");
            })
            : await Translate(db, () => db.Writer.WriteAsync((context, token) =>
                context.Database.ExecuteSqlRawAsync("SET TRANSACTION READ ONLY; DELETE FROM users WHERE id = 'nobody';", token)));

        error.Kind.ShouldBe(DbErrorKind.ReadOnly);
    }

    [Theory, DatabaseData]
    public async Task A_long_statement_cancelled_by_the_caller_is_cancelled(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var slow = database == DatabaseKind.Sqlite
            ? "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) AS \"Value\" FROM c"
            : "SELECT 1 AS \"Value\" FROM pg_sleep(30)";
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var elapsed = Stopwatch.StartNew();

        var error = await Translate(db, async () =>
        {
            await using var context = await db.Contexts.CreateDbContextAsync();
            await context.Database.SqlQueryRaw<long>(slow).ToListAsync(cancel.Token);
        }, cancel.Token);

        error.Kind.ShouldBe(DbErrorKind.Cancelled);
        elapsed.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20), "the statement was stopped, not run to the end");
    }

    [Theory, DatabaseData]
    public async Task Invalid_sql_is_unknown_with_its_code(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);

        var error = await Translate(db, () => db.Writer.WriteAsync((context, token) => context.Database.ExecuteSqlRawAsync("SELEKT 1", token)));

        error.Kind.ShouldBe(DbErrorKind.Unknown);
        error.Message.ShouldContain("code");
    }

    [Fact]
    public async Task A_lock_held_past_busy_timeout_is_busy_on_sqlite()
    {
        var db = await fixture.GetAsync(DatabaseKind.Sqlite);
        using var holder = new SqliteConnection($"Data Source={db.Location};Pooling=False");
        holder.Open();
        using var held = holder.BeginTransaction(deferred: false);
        using var other = new SqliteConnection($"Data Source={db.Location};Pooling=False;Default Timeout=1");
        other.Open();
        using (var noWait = other.CreateCommand())
        {
            noWait.CommandText = "PRAGMA busy_timeout = 0;";
            noWait.ExecuteNonQuery();
        }

        var error = await Translate(db, () =>
        {
            using var write = other.CreateCommand();
            write.CommandText = "BEGIN IMMEDIATE;";
            write.ExecuteNonQuery();
            return Task.CompletedTask;
        });

        error.Kind.ShouldBe(DbErrorKind.Busy);
        error.IsTransient.ShouldBeTrue();
    }

    [Fact]
    public async Task A_write_blocked_by_another_process_for_a_while_is_retried_and_succeeds_on_sqlite()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "busy_retry", new Dictionary<string, string?>
        {
            ["database:sqlite:busy_timeout"] = "100ms",
        })).MigrateAsync();
        await db.DisposeServicesAsync();
        await using var services = TestDatabase.BuildServices(db.Settings);
        using var recorder = new MeterRecorder(services);
        using var holder = new SqliteConnection($"Data Source={db.Location};Pooling=False");
        holder.Open();
        var held = holder.BeginTransaction(deferred: false);

        var write = services.GetRequiredService<IDatabaseWriter>().WriteAsync(async (context, _) =>
        {
            context.WorkflowStates.Add(Workflow());
            await Task.CompletedTask;
        });
        // Held until SQLITE_BUSY got past Microsoft.Data.Sqlite's own busy loop and reached the
        // layer's retrying strategy (the busy counter says so) at least twice.
        await Poll.UntilAsync(() => recorder.Sum("compozy.data.sqlite.busy") >= 2, "two busy errors counted while the lock is held", TimeSpan.FromSeconds(60));
        write.IsCompleted.ShouldBeFalse("the writer is waiting and retrying, not failing");
        held.Rollback();
        held.Dispose();

        await write;
        SqliteTestFiles.Count(db.Location, "SELECT count(*) FROM workflow_states").ShouldBe(1);
        recorder.Sum("compozy.data.sqlite.busy").ShouldBeGreaterThan(0, "each busy attempt is counted on the busy metric");
    }

    [Fact]
    public async Task A_full_disk_is_disk_full_and_the_database_stays_consistent_on_sqlite()
    {
        var mountPoint = Path.Combine(Path.GetTempPath(), $"compozy-full-{Guid.NewGuid():N}");
        Directory.CreateDirectory(mountPoint);
        var mounted = TryRun("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint);
        try
        {
            // Without permission to mount a small filesystem, SQLite's page limit produces the
            // same SQLITE_FULL through the same code path.
            var settings = mounted ? null : new Dictionary<string, string?> { ["database:sqlite:journal_size_limit"] = "0" };
            var path = Path.Combine(mountPoint, "compozy.db");
            await using var services = TestDatabase.BuildServices(new Dictionary<string, string?>
            {
                ["database:driver"] = "sqlite",
                ["database:path"] = path,
            });
            await services.GetRequiredService<Compozy.Data.Migrations.MigrationRunner>().UpAsync();
            var writer = services.GetRequiredService<IDatabaseWriter>();
            if (!mounted)
            {
                await writer.WriteAsync((context, token) => context.Database.ExecuteSqlRawAsync("PRAGMA max_page_count = 200;", token));
            }

            var translator = services.GetRequiredService<DbErrorTranslator>();
            var big = Json($"{{\"blob\":\"{new string('z', 100_000)}\"}}");
            var stored = 0;
            CompozyDataException? error = null;
            for (var attempt = 0; attempt < 100 && error is null; attempt++)
            {
                try
                {
                    await writer.WriteAsync(async (context, _) =>
                    {
                        var workflow = Workflow();
                        workflow.Input = big;
                        context.WorkflowStates.Add(workflow);
                        await Task.CompletedTask;
                    });
                    stored++;
                }
                catch (Exception exception)
                {
                    error = translator.Translate(exception, "store a large workflow");
                }
            }

            error.ShouldNotBeNull("the disk never filled up");
            error.Kind.ShouldBe(DbErrorKind.DiskFull, error.ToString());
            error.Message.ShouldContain("disk is full");
            await using var read = await services.GetRequiredService<IDbContextFactory<Compozy.Data.Persistence.CompozyDbContext>>().CreateDbContextAsync();
            (await read.WorkflowStates.CountAsync()).ShouldBe(stored, "every acknowledged write is there and the failed one is not");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (mounted)
            {
                TryRun("umount", mountPoint);
            }

            Directory.Delete(mountPoint, recursive: true);
        }
    }

    [Fact]
    public async Task A_damaged_file_is_corrupt_on_sqlite()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "corrupt_kind")).MigrateAsync();
        await db.DisposeServicesAsync();
        SqliteTestFiles.Fill(db.Location, rows: 3000, payloadBytes: 400, prefix: "fill");
        SqliteTestFiles.DamageMiddlePage(db.Location);
        await using var services = TestDatabase.BuildServices(db.Settings);

        var error = await TranslateWith(services, async () =>
        {
            await using var context = await services.GetRequiredService<IDbContextFactory<Compozy.Data.Persistence.CompozyDbContext>>().CreateDbContextAsync();
            await context.WorkflowStates.Where(state => state.WorkflowExecId.StartsWith("fill")).Select(state => state.Input).ToListAsync();
        });

        error.Kind.ShouldBe(DbErrorKind.Corrupt);
    }

    [Fact]
    public async Task A_database_file_that_vanished_is_a_connection_failure_on_sqlite()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "vanished");

        var error = await Translate(db, async () =>
        {
            await using var context = await db.Contexts.CreateDbContextAsync();
            await context.WorkflowStates.CountAsync();
        });

        error.Kind.ShouldBe(DbErrorKind.ConnectionFailed);
    }

    [Fact]
    public async Task A_row_locked_by_another_transaction_is_busy_on_postgres()
    {
        var db = await fixture.GetAsync(DatabaseKind.Postgres);
        var workflow = Workflow();
        await Insert(db, workflow);
        await using var holder = new NpgsqlConnection(db.Location);
        await holder.OpenAsync();
        await using var held = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand($"SELECT 1 FROM workflow_states WHERE workflow_exec_id = '{workflow.WorkflowExecId}' FOR UPDATE", holder, held))
        {
            await lockRow.ExecuteScalarAsync();
        }

        var error = await Translate(db, async () =>
        {
            await using var other = new NpgsqlConnection(db.Location);
            await other.OpenAsync();
            await using var noWait = new NpgsqlCommand($"SELECT 1 FROM workflow_states WHERE workflow_exec_id = '{workflow.WorkflowExecId}' FOR UPDATE NOWAIT", other);
            await noWait.ExecuteScalarAsync();
        });

        error.Kind.ShouldBe(DbErrorKind.Busy);
    }

    [Fact]
    public async Task Wrong_credentials_are_an_auth_failure_and_never_echo_the_password_on_postgres()
    {
        var db = await fixture.GetAsync(DatabaseKind.Postgres);
        var wrong = new NpgsqlConnectionStringBuilder(db.Location) { Password = "definitely-wrong-7731", Pooling = false }.ConnectionString;

        var error = await Translate(db, async () =>
        {
            await using var connection = new NpgsqlConnection(wrong);
            await connection.OpenAsync();
        });

        error.Kind.ShouldBe(DbErrorKind.AuthFailed);
        error.Message.ShouldNotContain("definitely-wrong-7731");
    }

    [Fact]
    public async Task An_unreachable_server_is_a_connection_failure_on_postgres()
    {
        var db = await fixture.GetAsync(DatabaseKind.Postgres);

        var error = await Translate(db, async () =>
        {
            await using var connection = new NpgsqlConnection("Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=2;Pooling=false");
            await connection.OpenAsync();
        });

        error.Kind.ShouldBe(DbErrorKind.ConnectionFailed);
        error.IsTransient.ShouldBeTrue();
    }

    [Fact]
    public async Task A_statement_past_its_timeout_is_a_timeout_on_postgres()
    {
        var db = await fixture.GetAsync(DatabaseKind.Postgres);

        // The server-side statement_timeout is used rather than Npgsql's CommandTimeout: the client
        // timeout depends on a cancel request racing the sleep, which a loaded CI machine lost once.
        var error = await Translate(db, async () =>
        {
            await using var connection = new NpgsqlConnection(db.Location);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SET statement_timeout = '200ms'; SELECT pg_sleep(30)", connection);
            await command.ExecuteNonQueryAsync();
        });

        error.Kind.ShouldBe(DbErrorKind.Timeout);
    }

    private static async Task<CompozyDataException> Translate(TestDatabase db, Func<Task> action, CancellationToken cancellationToken = default) =>
        await TranslateWith(db.Services, action, cancellationToken);

    private static async Task<CompozyDataException> TranslateWith(IServiceProvider services, Func<Task> action, CancellationToken cancellationToken = default)
    {
        var thrown = await Should.ThrowAsync<Exception>(action);
        return services.GetRequiredService<DbErrorTranslator>().Translate(thrown, "the operation", cancellationToken)
            .ShouldNotBeNull($"not recognised as a database error: {thrown}");
    }

    private static bool TryRun(string program, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static System.Text.Json.JsonElement Json(string text)
    {
        using var document = System.Text.Json.JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static Task Insert<T>(TestDatabase db, T entity)
        where T : class =>
        db.Writer.WriteAsync(async (context, _) =>
        {
            context.Add(entity);
            await System.Threading.Tasks.Task.CompletedTask;
        });

    private static User User(string email) => new()
    {
        Id = $"user-{Guid.NewGuid():N}",
        Email = email,
        Role = UserRole.User,
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };

    private static WorkflowState Workflow() => new()
    {
        WorkflowExecId = $"wf-{Guid.NewGuid():N}",
        WorkflowId = "errors",
        Status = ExecutionStatus.Running,
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };

    private static TaskState TaskOf(string workflowExecId, string? agent, string? action) => new()
    {
        TaskExecId = $"task-{Guid.NewGuid():N}",
        TaskId = "t",
        Component = "task",
        WorkflowExecId = workflowExecId,
        WorkflowId = "errors",
        Status = ExecutionStatus.Pending,
        AgentId = agent,
        ActionId = action,
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };
}
