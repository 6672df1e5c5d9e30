using Compozy.Data.Testing;

namespace Compozy.Docs.Tests.Samples;

/// <summary>The programs of samples/ run as a reader would run them, and print what they should.</summary>
public sealed class SampleTests
{
    // Everything after the first line (which names the database) is the same on both databases.
    private const string ExpectedResult = """
        workflow sample-wf-1: Running, tasks fetch, part-1, part-2, summarize-parts
        task tree of sample-task-2:
          summarize-parts Running
            part-1 Success
            part-2 Running
        search handbook, nearest to [1, 0, 0]:
          leave-1 1.00 Annual leave is 25 days.
          leave-2 0.80 Leave requests go to your manager.
        """;

    [Fact]
    public async Task The_sqlite_sample_writes_a_workflow_reads_its_tree_and_searches_in_one_file_and_can_run_again()
    {
        var directory = Directory.CreateTempSubdirectory("compozy-sample-sqlite-");
        try
        {
            var path = Path.Combine(directory.FullName, "data", "sample.db");
            for (var run = 1; run <= 2; run++)
            {
                var (exitCode, stdout, stderr) = await SampleProgram.RunAsync(
                    "Compozy.Samples.Sqlite", directory.FullName, new Dictionary<string, string>(), $"--database:path={path}");

                exitCode.ShouldBe(0, $"run {run}:\n{stderr}");
                var lines = stdout.ReplaceLineEndings("\n").TrimEnd().Split('\n');
                lines[0].ShouldStartWith($"database: sqlite file {path} (", customMessage: stdout);
                string.Join('\n', lines[1..]).ShouldBe(ExpectedResult, $"run {run}");
                stderr.ShouldContain("store initialized: driver=sqlite", customMessage: "the log goes to standard error");
            }

            File.Exists(path).ShouldBeTrue();
            File.Exists(path + "-wal").ShouldBeFalse("the host stopped cleanly, so the WAL was folded in and removed");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_postgres_sample_does_the_same_with_pgvector_from_a_connection_string()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("sample");
        var directory = Directory.CreateTempSubdirectory("compozy-sample-postgres-");
        try
        {
            var (exitCode, stdout, stderr) = await SampleProgram.RunAsync(
                "Compozy.Samples.Postgres", directory.FullName, new Dictionary<string, string> { ["ConnectionStrings__Compozy"] = connectionString });

            exitCode.ShouldBe(0, stderr);
            var lines = stdout.ReplaceLineEndings("\n").TrimEnd().Split('\n');
            lines[0].ShouldStartWith("database: postgres host=", customMessage: stdout);
            string.Join('\n', lines[1..]).ShouldBe(ExpectedResult);
            stderr.ShouldContain("store initialized: driver=postgres");
            stderr.ShouldContain("the pgvector store");
        }
        finally
        {
            directory.Delete(recursive: true);
            await PostgresServer.DropDatabaseAsync(connectionString);
        }
    }

    [Fact]
    public async Task The_postgres_sample_without_a_connection_string_says_what_to_set_and_exits_2()
    {
        var directory = Directory.CreateTempSubdirectory("compozy-sample-postgres-");
        try
        {
            var (exitCode, stdout, stderr) = await SampleProgram.RunAsync("Compozy.Samples.Postgres", directory.FullName, new Dictionary<string, string>());

            exitCode.ShouldBe(2, stdout + stderr);
            stderr.ShouldContain("ConnectionStrings__Compozy");
            stdout.ShouldBeEmpty();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory, DatabaseData]
    public async Task The_extension_sample_migrates_its_own_table_next_to_compozys_and_writes_and_reads_notes(DatabaseKind database)
    {
        var directory = Directory.CreateTempSubdirectory("compozy-sample-extension-");
        var connectionString = database == DatabaseKind.Postgres ? await PostgresServer.CreateDatabaseAsync("sample_ext") : null;
        try
        {
            var path = Path.Combine(directory.FullName, "notes.db");
            var environment = connectionString is null
                ? new Dictionary<string, string>()
                : new Dictionary<string, string> { ["ConnectionStrings__Compozy"] = connectionString };
            string[] arguments = connectionString is null ? [$"--database:path={path}"] : [];
            for (var run = 1; run <= 2; run++)
            {
                var (exitCode, stdout, stderr) = await SampleProgram.RunAsync("Compozy.Samples.Extension", directory.FullName, environment, arguments);

                exitCode.ShouldBe(0, $"run {run}:\n{stdout}\n{stderr}");
                stdout.ReplaceLineEndings("\n").TrimEnd().ShouldBe($"""
                    notes migrations applied: {(run == 1 ? "AddNotes" : "none")}
                    notes of sample-wf-notes:
                      The summary cites the right sources.
                      Shorten the second paragraph.
                    """, $"run {run}");
            }

            // The team's migrations have their own history: Compozy's lists none of them as unknown.
            var settings = new Dictionary<string, string?>(connectionString is null
                ? [new("database:driver", "sqlite"), new("database:path", path)]
                : [new("database:driver", "postgres"), new("database:conn_string", connectionString)]);
            await using var services = TestDatabase.BuildServices(settings);
            var compozy = await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
                .GetRequiredService<Compozy.Data.Migrations.MigrationRunner>(services).GetStatusAsync();
            compozy.IsCurrent.ShouldBeTrue();
            compozy.Unknown.ShouldBeEmpty();
        }
        finally
        {
            directory.Delete(recursive: true);
            if (connectionString is not null)
            {
                await PostgresServer.DropDatabaseAsync(connectionString);
            }
        }
    }
}
