using Compozy.Data.Operations;

namespace Compozy.Data.Startup;

/// <summary>
/// Opening the configured database for writing: runs the provider's startup checks
/// (<see cref="IDatabaseStartupCheck"/>) once per process, before the first write. On SQLite they
/// probe the filesystem, run the integrity check at <c>integrity_check_on_startup</c> and fold a
/// WAL left by a crash back into the file; PostgreSQL registers none, its server keeps its own
/// files. The host's initializer and every CLI command that writes go through here, so a
/// database its provider finds damaged is refused before anything is written, whatever the
/// command.
/// </summary>
/// <remarks>
/// A failed run is not remembered: the next caller runs the checks again, and finds the same
/// damage, rather than a stale answer.
/// </remarks>
public sealed class DatabaseStartupChecks(IEnumerable<IDatabaseStartupCheck> checks) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _passed;

    /// <summary>Runs the checks unless they already passed in this process.</summary>
    /// <exception cref="DatabaseIntegrityException">The database failed its integrity check; it was not modified.</exception>
    public async Task EnsurePassedAsync(CancellationToken cancellationToken)
    {
        if (_passed)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_passed)
            {
                return;
            }

            foreach (var check in checks)
            {
                await check.RunAsync(cancellationToken).ConfigureAwait(false);
            }

            _passed = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
