using System.Globalization;

namespace Compozy.Data.Testing;

/// <summary>
/// Which process owns the containers a test process starts, written on each of them as a label.
/// The engine runs without Testcontainers' reaper (its image cannot be pulled where the suite
/// runs), so <c>scripts/test.sh</c> removes them: its own at exit, and at start those whose owner
/// is gone, left by a run that crashed. The owner is the test run when <c>scripts/test.sh</c> names
/// it, otherwise the test process itself; a process id alone could be reused, so its start time is
/// part of the name.
/// </summary>
public static class TestContainerOwner
{
    /// <summary>The label that names the owner: <c>pid:starttime</c>, starttime as in field 22 of <c>/proc/PID/stat</c>.</summary>
    public const string Label = "org.compozy.data.test-owner";

    /// <summary>The environment variable through which <c>scripts/test.sh</c> names itself as the owner.</summary>
    public const string EnvironmentVariable = "COMPOZY_TEST_CONTAINER_OWNER";

    /// <summary>The owner of the containers this process starts.</summary>
    public static string Id { get; } =
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } owner ? owner : ThisProcess();

    private static string ThisProcess()
    {
        // The command name in field 2 may hold spaces and parentheses; the fields after its closing
        // parenthesis start with field 3, so field 22 (the start time) is the 20th of them.
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}:{fields[19]}");
    }
}
