using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Compozy.Data.Sqlite.Connections;

/// <summary>
/// Applies the SQLite profile to every connection EF opens for read contexts. EF calls either
/// the synchronous or the asynchronous hook depending on the caller, so both are overridden.
/// </summary>
internal sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    private readonly SqliteConnectionSetup _setup;
    private readonly SqliteConnectionRole _role;

    /// <summary>Creates the interceptor for connections of <paramref name="role"/>.</summary>
    public SqlitePragmaInterceptor(SqliteConnectionSetup setup, SqliteConnectionRole role)
    {
        _setup = setup;
        _role = role;
    }

    /// <inheritdoc />
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        _setup.Apply((SqliteConnection)connection, _role);

    /// <inheritdoc />
    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        _setup.Apply((SqliteConnection)connection, _role);
        return Task.CompletedTask;
    }
}
