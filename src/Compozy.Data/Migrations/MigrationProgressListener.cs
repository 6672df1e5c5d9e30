using System.Diagnostics;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Compozy.Data.Migrations;

/// <summary>
/// Follows EF's <c>MigrationApplying</c>/<c>MigrationReverting</c> diagnostic events for one
/// migrator, so a run can report exactly which migrations it applied (another process may have
/// applied some while this one waited for the lock) and which one failed.
/// </summary>
/// <remarks>
/// EF runs all steps of a run under one migration lock and offers no per-migration callback; its
/// diagnostic events are the supported way to observe the steps.
/// </remarks>
internal sealed class MigrationProgressListener : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly IMigrator _migrator;
    private readonly IDisposable _allListeners;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly List<MigrationStep> _completed = [];
    private readonly Stopwatch _stopwatch = new();
    private readonly Lock _gate = new();
    private (string Id, MigrationDirection Direction)? _current;

    public MigrationProgressListener(IMigrator migrator)
    {
        _migrator = migrator;
        _allListeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    /// <summary>The migration being run when the run stopped, if it did not finish.</summary>
    public string? CurrentMigration
    {
        get
        {
            lock (_gate)
            {
                return _current?.Id;
            }
        }
    }

    /// <summary>Steps completed so far; the last one is complete only once the run returns.</summary>
    public IReadOnlyList<MigrationStep> Finish()
    {
        lock (_gate)
        {
            CloseCurrent();
            return [.. _completed];
        }
    }

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
        {
            lock (_gate)
            {
                _subscriptions.Add(value.Subscribe(this, name =>
                    name == RelationalEventId.MigrationApplying.Name || name == RelationalEventId.MigrationReverting.Name));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Value is not MigrationEventData data || !ReferenceEquals(data.Migrator, _migrator))
        {
            return;
        }

        lock (_gate)
        {
            CloseCurrent();
            var direction = value.Key == RelationalEventId.MigrationApplying.Name ? MigrationDirection.Up : MigrationDirection.Down;
            _current = (IdOf(data.Migration), direction);
            _stopwatch.Restart();
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        _allListeners.Dispose();
        lock (_gate)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }
        }
    }

    /// <summary>Forgets the running step, which failed and was rolled back.</summary>
    public void DiscardCurrent()
    {
        lock (_gate)
        {
            _current = null;
        }
    }

    // EF's own GetId() is internal API; the attribute is the public source of the same id.
    private static string IdOf(Migration migration) =>
        migration.GetType().GetCustomAttribute<MigrationAttribute>()?.Id ?? migration.GetType().Name;

    private void CloseCurrent()
    {
        if (_current is { } current)
        {
            _completed.Add(new MigrationStep(current.Id, current.Direction, _stopwatch.Elapsed));
            _current = null;
        }
    }
}
