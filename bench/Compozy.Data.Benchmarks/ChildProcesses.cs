using System.Globalization;
using System.Runtime.InteropServices;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// The CPU time (user + system) of child processes, and the signals that stop them, for <c>cli-startup</c>.
/// <para>
/// <see cref="System.Diagnostics.Process.TotalProcessorTime"/> is no use here: it reads
/// <c>/proc/&lt;pid&gt;/stat</c> and so fails once the child has exited, and read before the
/// exit it misses the end. Wrapping each child in <c>/usr/bin/time</c> would add a process and
/// print only to 10 ms. Instead the kernel's own account of reaped children is read with
/// <c>getrusage(RUSAGE_CHILDREN)</c> before a child starts and after it has been reaped (.NET
/// reaps it with <c>waitpid</c> before <c>WaitForExitAsync</c> returns): the difference is that
/// child's user + system time, in microseconds, including every thread it ran. It is exact only
/// while no other child of this process is reaped in between, which the benchmark ensures by
/// running one child at a time and signalling with <c>kill(2)</c> rather than a <c>kill</c>
/// process.
/// </para>
/// <para>
/// A still running process (<c>compozy start</c> at the moment it is ready) has no rusage yet;
/// <see cref="CpuOfRunning"/> reads its <c>utime + stime</c> from <c>/proc/&lt;pid&gt;/stat</c>,
/// which counts in clock ticks (10 ms at the usual 100 per second).
/// </para>
/// </summary>
internal static partial class ChildProcesses
{
    private const int RusageChildren = -1;

    // struct rusage on 64-bit Linux: two struct timeval (tv_sec, tv_usec as longs), then 14 longs.
    private const int RusageLongs = 18;

    private const int ScClockTicks = 2;

    private const int SignalKill = 9;

    private const int SignalTerminate = 15;

    /// <summary>User + system time of every child of this process reaped so far.</summary>
    public static unsafe TimeSpan CpuOfReaped()
    {
        var usage = stackalloc long[RusageLongs];
        if (GetRusage(RusageChildren, usage) != 0)
        {
            throw new InvalidOperationException($"getrusage(RUSAGE_CHILDREN) failed with errno {Marshal.GetLastPInvokeError()}");
        }

        var microseconds = (usage[0] * 1_000_000) + usage[1] + (usage[2] * 1_000_000) + usage[3];
        return TimeSpan.FromMicroseconds(microseconds);
    }

    /// <summary>User + system time a running process has used so far, to a clock tick; <see langword="null"/> once it is gone.</summary>
    public static TimeSpan? CpuOfRunning(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are
        // counted from the last ')'. After it, field 3 (state) comes first; utime and stime are
        // fields 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
    }

    /// <summary>The unit of <c>/proc/&lt;pid&gt;/stat</c>'s times.</summary>
    public static long ClockTicksPerSecond { get; } = SysConf(ScClockTicks) is > 0 and var ticks ? ticks : 100;

    /// <summary>Sends SIGTERM, as a service manager stopping the host would.</summary>
    public static void Terminate(int processId)
    {
        if (Kill(processId, SignalTerminate) != 0)
        {
            throw new InvalidOperationException($"kill({processId}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Sends SIGKILL, ignoring a process already gone: only for cleaning up after an interrupted run.</summary>
    public static void Kill(int processId) => _ = Kill(processId, SignalKill);

    [LibraryImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static unsafe partial int GetRusage(int who, long* usage);

    [LibraryImport("libc", EntryPoint = "sysconf")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial long SysConf(int name);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Kill(int processId, int signal);
}
