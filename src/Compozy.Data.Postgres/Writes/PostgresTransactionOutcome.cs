namespace Compozy.Data.Postgres.Writes;

/// <summary>What the server says about a transaction id, from <c>pg_xact_status</c>.</summary>
internal enum PostgresTransactionOutcome
{
    /// <summary>The transaction committed: its changes are in the database.</summary>
    Committed,

    /// <summary>The transaction rolled back (or its backend died before COMMIT completed).</summary>
    Aborted,

    /// <summary>A backend still holds the transaction open, so it may yet commit or roll back.</summary>
    InProgress,

    /// <summary>
    /// The server has no record of the id: never durably assigned (a crash lost the transaction's
    /// WAL, so its changes are gone too), or too old to be tracked, which cannot happen to a write
    /// that failed moments ago.
    /// </summary>
    Unknown,
}
