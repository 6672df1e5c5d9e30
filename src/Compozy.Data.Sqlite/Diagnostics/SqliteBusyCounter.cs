using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Compozy.Data.Sqlite.Diagnostics;

/// <summary>Counts SQLITE_BUSY and SQLITE_LOCKED failures of EF commands for the busy metric.</summary>
internal sealed class SqliteBusyCounter(SqliteMetrics metrics) : DbCommandInterceptor
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <inheritdoc />
    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Count(eventData.Exception);
    }

    /// <inheritdoc />
    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Count(eventData.Exception);
        return Task.CompletedTask;
    }

    /// <summary>Counts <paramref name="exception"/> when it is a busy or locked error.</summary>
    public void Count(Exception exception)
    {
        if (exception is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked })
        {
            metrics.RecordBusy();
        }
    }
}
