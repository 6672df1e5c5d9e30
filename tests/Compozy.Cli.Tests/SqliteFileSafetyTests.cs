using System.Diagnostics;
using System.Globalization;
using System.Net;
using Compozy.Data.Testing;

namespace Compozy.Cli.Tests;

/// <summary>
/// The SQLite file as an operator can break it under compozy: deleted under a running host, gone
/// at the next start, unreadable for the user compozy runs as, spelled as a lookalike of
/// :memory:, and the modes of its -wal and -shm.
/// </summary>
public sealed class SqliteFileSafetyTests
{
    private const int Nobody = 65534;
    private static readonly TimeSpan ShutdownAllowance = TimeSpan.FromSeconds(30);

    // setpriv runs compozy as nobody: the tests run as root, for whom file modes are no obstacle.
    private static readonly string[] AsNobody = ["setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups"];

    [Fact]
    public async Task Deleting_the_database_under_a_running_host_answers_503_takes_readiness_down_exits_1_and_the_next_start_refuses()
    {
        await using var api = await ApiSession.StartAsync(DatabaseKind.Sqlite, "cli_lost_file");
        var database = api.Cli.Database.Location;
        using var http = api.Client(api.AdminKey);
        (await ApiSession.SendAsync(http, HttpMethod.Put, "/api/v0/workflows/before", """{"workflow_id":"lost","status":"RUNNING"}""")).Status.ShouldBe(HttpStatusCode.Created);

        File.Delete(database);

        using (var refused = await http.PutAsync(new Uri("/api/v0/workflows/after", UriKind.Relative), ApiSession.Json("""{"workflow_id":"lost","status":"RUNNING"}""")))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            refused.Headers.RetryAfter.ShouldNotBeNull();
            refused.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
            (await refused.Content.ReadAsStringAsync()).ShouldContain("\"code\":\"database_unavailable\"");
        }

        using var anonymous = api.Client(null);
        using (var readiness = await anonymous.GetAsync(new Uri("/readyz", UriKind.Relative)))
        {
            readiness.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await readiness.Content.ReadAsStringAsync()).ShouldContain($"{database} was deleted while the host had it open");
        }

        (await api.Host.TerminateAsync(ShutdownAllowance)).ShouldBe(1, api.Host.Stderr);
        api.Host.Stderr.ShouldContain($"database file lost: the SQLite database file {database} was deleted");
        api.Host.Stderr.ShouldContain("shutdown is not clean");
        api.Host.Stderr.ShouldContain("compozy: the host stopped after losing its database");
        api.Host.Stderr.ShouldNotContain("shutdown checkpoint completed");
        var copy = Directory.GetFiles(Path.GetDirectoryName(database)!, "compozy.db.lost-*").ShouldHaveSingleItem();
        SqliteTestFiles.Count(copy, "SELECT count(*) FROM workflow_states WHERE workflow_exec_id = 'before'").ShouldBe(1);
        SqliteTestFiles.Count(copy, "SELECT count(*) FROM workflow_states WHERE workflow_exec_id = 'after'").ShouldBe(0);

        var restart = await api.Cli.RunAsync("start", "--port", "0");
        restart.ExitCode.ShouldBe(4, restart.ToString());
        restart.Stderr.ShouldContain($"the SQLite database {database} does not exist, but files beside it show that a database was there");
        restart.Stderr.ShouldContain($"mv {copy} {database}");
        File.Exists(database).ShouldBeFalse();

        File.Move(copy, database);
        await api.RestartAsync();
        using var reader = api.Client(api.AdminKey);
        (await ApiSession.SendAsync(reader, HttpMethod.Get, "/api/v0/workflows/before")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Start_migrate_and_db_status_refuse_with_exit_4_a_missing_database_that_leftovers_show_existed_and_create_nothing()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_missing");
        var database = cli.Database.Location;
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        File.Delete(database);

        foreach (var command in new[] { new[] { "start", "--port", "0" }, ["migrate", "up"], ["migrate", "status"], ["db", "status"] })
        {
            var result = await cli.RunAsync(command);

            result.ExitCode.ShouldBe(4, result.ToString());
            (result.Stdout + result.Stderr).ShouldContain($"the SQLite database {database} does not exist, but files beside it show that a database was there");
            (result.Stdout + result.Stderr).ShouldContain(database + ".migrate-lock");
            result.Stdout.ShouldNotContain("pending");
            File.Exists(database).ShouldBeFalse(string.Join(' ', command));
        }

        foreach (var leftover in Directory.GetFiles(Path.GetDirectoryName(database)!))
        {
            File.Delete(leftover);
        }

        var fresh = await cli.RunAsync("migrate", "up");
        fresh.ExitCode.ShouldBe(0, fresh.ToString());
        File.Exists(database).ShouldBeTrue("once the leftovers are removed, the path never held a database and one is created");
    }

    [Theory]
    [InlineData("DB_PATH", ":MEMORY:", "environment variable DB_PATH")]
    [InlineData("DB_PATH", " :memory: ", "environment variable DB_PATH")]
    [InlineData("--db-path", "file::memory:?cache=shared", "flag --db-path")]
    [InlineData("--db-path", "file:x.db?mode=memory", "flag --db-path")]
    [InlineData("DB_PATH", "data/x.db\n", "environment variable DB_PATH")]
    public async Task A_lookalike_of_memory_or_a_path_with_control_characters_stops_start_with_exit_2_and_creates_nothing(string source, string value, string origin)
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_lookalike");
        var arguments = new List<string> { "start", "--port", "0" };
        if (source.StartsWith("--", StringComparison.Ordinal))
        {
            arguments.AddRange([source, value]);
        }
        else
        {
            cli.Environment[source] = value;
        }

        var result = await cli.RunAsync([.. arguments]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stderr.ShouldContain("  database.path: \"");
        result.Stderr.ShouldContain($"(from {origin})");
        Directory.GetFileSystemEntries(cli.WorkingDirectory).ShouldBeEmpty("nothing is created in the working directory");
        File.Exists(cli.Database.Location).ShouldBeFalse();
    }

    [Fact]
    public async Task A_database_at_mode_000_is_reported_as_permission_denied_with_owner_and_mode_by_start_migrate_and_db_status()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_mode_000");
        var database = cli.Database.Location;
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        Run("chown", "-R", $"{Nobody}:{Nobody}", Path.GetDirectoryName(database)!);
        File.SetUnixFileMode(database, UnixFileMode.None);

        foreach (var command in new[] { new[] { "migrate", "status" }, ["migrate", "up"], ["db", "status"], ["start", "--port", "0"] })
        {
            var result = await CompozyProcess.RunWrappedAsync(cli.WorkingDirectory, cli.Environment, AsNobody, command);

            result.ExitCode.ShouldBe(1, result.ToString());
            result.Stderr.ShouldContain($"permission denied: {database} is owned by uid {Nobody} (nobody)");
            result.Stderr.ShouldContain("with mode 0000; this process runs as uid 65534 (nobody)");
            result.Stdout.ShouldNotContain("pending");
        }

        File.GetUnixFileMode(database).ShouldBe(UnixFileMode.None);
    }

    [Fact]
    public async Task A_directory_the_user_may_not_write_is_reported_naming_it_its_owner_and_mode()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_readonly_dir");
        var database = cli.Database.Location;
        var directory = Path.GetDirectoryName(database)!;
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        Run("chown", $"{Nobody}:{Nobody}", database);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        foreach (var command in new[] { new[] { "migrate", "status" }, ["migrate", "up"], ["db", "status"] })
        {
            var result = await CompozyProcess.RunWrappedAsync(cli.WorkingDirectory, cli.Environment, AsNobody, command);

            result.ExitCode.ShouldBe(1, result.ToString());
            result.Stderr.ShouldContain($"permission denied: the directory {directory} is owned by uid 0 (root)");
            result.Stderr.ShouldContain("with mode 0755; this process runs as uid 65534 (nobody)");
            result.Stderr.ShouldContain("compozy.db-wal");
        }
    }

    [Fact]
    public async Task A_database_owned_by_another_user_is_reported_naming_that_user()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_other_owner");
        var database = cli.Database.Location;
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        Run("chown", $"{Nobody}:{Nobody}", Path.GetDirectoryName(database)!);

        var result = await CompozyProcess.RunWrappedAsync(cli.WorkingDirectory, cli.Environment, AsNobody, "migrate", "status");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Stderr.ShouldContain($"permission denied: {database} is owned by uid 0 (root), gid 0 (root) with mode 0600; this process runs as uid 65534 (nobody)");
    }

    [Fact]
    public async Task An_immutable_database_file_is_reported_as_such_even_to_root()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_immutable");
        var database = cli.Database.Location;
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        Run("chattr", "+i", database);
        try
        {
            var result = await cli.RunAsync("migrate", "up");

            result.ExitCode.ShouldBe(1, result.ToString());
            result.Stderr.ShouldContain($"operation not permitted: {database} has the immutable or append-only attribute");
        }
        finally
        {
            Run("chattr", "-i", database);
        }
    }

    [Theory]
    [InlineData("000", "000", "600")]
    [InlineData("000", "022", "600")]
    [InlineData("640", "077", "640")]
    [InlineData("600", "000", "600")]
    public async Task The_wal_and_shm_of_a_running_host_are_no_more_readable_than_the_database_whatever_the_umask(string databaseMode, string umask, string expected)
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_companion_modes");
        var database = cli.Database.Location;
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        File.SetUnixFileMode(database, Octal(databaseMode));

        await using var host = await CompozyProcess.StartHostWrappedAsync(
            cli.WorkingDirectory, cli.Environment, ["sh", "-c", $"umask {umask} && exec \"$@\"", "sh"]);
        await Poll.UntilAsync(() => File.Exists(database + "-wal") && File.Exists(database + "-shm"), "the running host's -wal and -shm", TimeSpan.FromSeconds(30));

        File.GetUnixFileMode(database + "-wal").ShouldBe(Octal(expected));
        File.GetUnixFileMode(database + "-shm").ShouldBe(Octal(expected));
        (await host.TerminateAsync(ShutdownAllowance)).ShouldBe(0, host.Stderr);
    }

    private static UnixFileMode Octal(string mode) => (UnixFileMode)Convert.ToInt32(mode, 8);

    private static void Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, string.Create(CultureInfo.InvariantCulture, $"{program} {string.Join(' ', arguments)}: {error}"));
    }
}
