using System.Diagnostics;

namespace Compozy.Cli.Tests;

/// <summary>
/// A configuration file that would block, exhaust or crash a reader is refused by the real
/// process with exit code 2, a message naming the file and nothing created. Each run must end on
/// its own well within the harness's limit; a run that has to be killed fails.
/// </summary>
public sealed class ConfigurationFileTests
{
    // Far above the second or so these take; only a hang reaches it.
    private static readonly TimeSpan MustExitWithin = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Config_dev_zero_is_refused_as_a_character_device()
    {
        using var directory = new TemporaryWorkingDirectory();

        var result = await CompozyProcess.RunWithinAsync(MustExitWithin, directory.Path, null, "migrate", "up", "--config", "/dev/zero");

        ShouldBeRefused(result, "(file): \"/dev/zero\" is a character device, not a regular file; allowed: a regular YAML file of at most 1 MiB");
        directory.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_named_pipe_given_with_config_is_refused_without_waiting_for_a_writer()
    {
        using var directory = new TemporaryWorkingDirectory();
        var pipe = Path.Combine(directory.Path, "pipe.yaml");
        MakeFifo(pipe);

        var result = await CompozyProcess.RunWithinAsync(MustExitWithin, directory.Path, null, "migrate", "up", "--config", pipe);

        ShouldBeRefused(result, $"(file): \"{pipe}\" is a named pipe (FIFO), not a regular file");
        directory.Entries.ShouldBe(["pipe.yaml"]);
    }

    [Fact]
    public async Task A_named_pipe_in_place_of_the_default_compozy_yaml_is_refused_by_start()
    {
        using var directory = new TemporaryWorkingDirectory();
        MakeFifo(Path.Combine(directory.Path, "compozy.yaml"));

        var result = await CompozyProcess.RunWithinAsync(MustExitWithin, directory.Path, null, "start", "--port", "0");

        ShouldBeRefused(result, "(file): \"compozy.yaml\" is a named pipe (FIFO), not a regular file");
        directory.Entries.ShouldBe(["compozy.yaml"]);
    }

    [Fact]
    public async Task An_alias_bomb_is_refused_by_start_at_the_line_where_it_passes_the_limit()
    {
        using var directory = new TemporaryWorkingDirectory();
        var lines = new List<string> { "bomb:", "  a: &a [x, x, x, x, x, x, x, x, x, x]" };
        for (var level = 'b'; level <= 'i'; level++)
        {
            lines.Add($"  {level}: &{level} [{string.Join(", ", Enumerable.Repeat($"*{(char)(level - 1)}", 10))}]");
        }

        await File.WriteAllLinesAsync(Path.Combine(directory.Path, "bomb.yaml"), lines);

        var result = await CompozyProcess.RunWithinAsync(MustExitWithin, directory.Path, null, "start", "--port", "0", "--config", "bomb.yaml");

        ShouldBeRefused(result, "(file): the YAML expands to more than 100000 keys, values and collections here (aliases count once per use); allowed: at most 100000 (from bomb.yaml:6:");
        directory.Entries.ShouldBe(["bomb.yaml"]);
    }

    [Fact]
    public async Task An_unterminated_flow_sequence_followed_by_a_mapping_line_is_a_problem_with_its_position_not_a_crash()
    {
        using var directory = new TemporaryWorkingDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "compozy.yaml"), "a: [b\nc: d\n");

        var result = await CompozyProcess.RunWithinAsync(MustExitWithin, directory.Path, null, "migrate", "up");

        ShouldBeRefused(result, "(file): malformed YAML: the parser cannot go on from here (a [ or { that is not closed is the usual cause) (from compozy.yaml:2:1)");
        directory.Entries.ShouldBe(["compozy.yaml"]);
    }

    private static void ShouldBeRefused(CliResult result, string problem)
    {
        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldStartWith("compozy: configuration is invalid (1 problem):", Case.Sensitive, result.ToString());
        result.Stderr.ShouldContain($"  {problem}", Case.Sensitive, result.ToString());
        result.Stderr.ShouldNotContain("   at ");
        result.Stderr.ShouldNotContain("Exception");
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]) ?? throw new InvalidOperationException("could not run mkfifo");
        mkfifo.WaitForExit();
        mkfifo.ExitCode.ShouldBe(0, $"mkfifo {path}");
    }
}
