namespace Compozy.Data.Postgres.Writes;

/// <summary>
/// What a write records just before its COMMIT: the transaction's id, and when the server that
/// handed it out started, which tells a later answer about that id from a restarted or promoted
/// server apart from the server's own.
/// </summary>
/// <param name="TransactionId">The transaction's id (<c>xid8</c>).</param>
/// <param name="ServerStartedAt">The server's <c>pg_postmaster_start_time()</c>.</param>
internal sealed record PostgresTransactionMark(ulong TransactionId, DateTime ServerStartedAt);
