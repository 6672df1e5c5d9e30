using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Compozy.Data.Sqlite.Connections;

/// <summary>
/// Makes a cancelled EF query on a read connection stop inside SQLite, not only between
/// statements (see <see cref="SqliteInterrupt"/>). The interrupt stays armed until the reader
/// is disposed, since SQLite keeps computing rows while they are read.
/// </summary>
/// <remarks>
/// Used for read contexts only. On the writer an interrupted write rolls back the whole
/// transaction, which under group commit would fail the other writes of the batch; writes honour
/// cancellation between statements instead.
/// </remarks>
internal sealed class SqliteCancellationInterceptor : DbCommandInterceptor
{
    private readonly ConditionalWeakTable<DbCommand, StrongBox<CancellationTokenRegistration>> _armed = new();

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Arm(command, cancellationToken);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Arm(command, cancellationToken);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Arm(command, cancellationToken);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Disarm(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Disarm(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        Disarm(command);
        return result;
    }

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Disarm(command);
        return Task.CompletedTask;
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Disarm(command);

    private void Arm(DbCommand command, CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled && command.Connection is SqliteConnection connection)
        {
            _armed.AddOrUpdate(command, new StrongBox<CancellationTokenRegistration>(SqliteInterrupt.On(connection, cancellationToken)));
        }
    }

    private void Disarm(DbCommand command)
    {
        if (_armed.TryGetValue(command, out var registration))
        {
            registration.Value.Dispose();
            _armed.Remove(command);
        }
    }
}
