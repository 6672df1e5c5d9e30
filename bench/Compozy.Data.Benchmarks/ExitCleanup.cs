using System.Runtime.InteropServices;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// What <c>cli-startup</c> must not leave behind if the run ends early: the child process it is
/// measuring and its temporary directory. <c>finally</c> blocks clean up after a failure, but a
/// SIGTERM ends this process at once (neither System.CommandLine nor the runtime cancels the run
/// first: a <c>compozy start</c> child was seen to outlive it, its directory left behind), and
/// SIGINT may too. So on SIGINT, SIGQUIT and SIGTERM, and at exit, this kills the child with
/// SIGKILL (<c>kill(2)</c>: nothing that waits on the runtime's child reaping) and deletes the
/// directory, then lets the signal take its course.
/// </summary>
internal sealed class ExitCleanup : IDisposable
{
    private readonly string _directory;
    private readonly Lock _lock = new();
    private readonly PosixSignalRegistration[] _signals;
    private int? _child;

    public ExitCleanup(string directory)
    {
        _directory = directory;
        _signals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGQUIT, PosixSignal.SIGTERM }.Select(signal => PosixSignalRegistration.Create(signal, _ => CleanUp()))];
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>Records the running child; <see cref="Reaped"/> must follow once it has exited and been waited for.</summary>
    public void Started(int processId)
    {
        lock (_lock)
        {
            _child = processId;
        }
    }

    /// <summary>The child has been reaped: its id may name another process from now on, so it is forgotten.</summary>
    public void Reaped()
    {
        lock (_lock)
        {
            _child = null;
        }
    }

    /// <summary>The normal end: nothing is left running, and the directory is deleted.</summary>
    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        foreach (var signal in _signals)
        {
            signal.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // A signal's cleanup deleted it already.
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => CleanUp();

    private void CleanUp()
    {
        lock (_lock)
        {
            if (_child is { } child)
            {
                ChildProcesses.Kill(child);
                _child = null;
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // The process is ending: already deleted, or the run's own cleanup is deleting the same files.
        }
    }
}
