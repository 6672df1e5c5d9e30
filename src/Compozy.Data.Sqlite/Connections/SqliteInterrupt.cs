using Microsoft.Data.Sqlite;

namespace Compozy.Data.Sqlite.Connections;

/// <summary>
/// Stops a running statement when a token is cancelled. Microsoft.Data.Sqlite checks the token
/// only before it starts a statement; a long statement (a big query, VACUUM, a checkpoint) runs to
/// its end unless SQLite is told to stop with <c>sqlite3_interrupt</c>. An interrupted statement
/// is rolled back; SQLite leaves the database consistent.
/// </summary>
internal static class SqliteInterrupt
{
    /// <summary>Interrupts <paramref name="connection"/>'s running statement when <paramref name="cancellationToken"/> fires; dispose to stop.</summary>
    public static CancellationTokenRegistration On(SqliteConnection connection, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled
            ? cancellationToken.Register(static state => SQLitePCL.raw.sqlite3_interrupt(((SqliteConnection)state!).Handle!), connection)
            : default;

    /// <summary>
    /// Whether <paramref name="exception"/> is SQLite's <c>SQLITE_INTERRUPT</c> for an interrupt that
    /// <paramref name="cancellationToken"/> asked for: Microsoft.Data.Sqlite reports a statement
    /// stopped mid-way as a plain <see cref="SqliteException"/>, which callers should see as the
    /// cancellation it is.
    /// </summary>
    public static bool WasRequestedBy(SqliteException exception, CancellationToken cancellationToken) =>
        exception.SqliteErrorCode == SqliteErrorCodes.Interrupt && cancellationToken.IsCancellationRequested;
}
