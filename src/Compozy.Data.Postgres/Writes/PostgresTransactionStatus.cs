using System.Data.Common;
using System.Globalization;
using Npgsql;

namespace Compozy.Data.Postgres.Writes;

/// <summary>
/// PostgreSQL's own record of transaction outcomes (PostgreSQL 13 or later), which answers the one
/// question a client cannot: did the COMMIT whose reply was lost take effect?
/// </summary>
internal static class PostgresTransactionStatus
{
    /// <summary>
    /// The two columns of a mark, for a <c>SELECT</c> of its own or the <c>RETURNING</c> list of a
    /// write statement (<see cref="PostgresReturnedMarks"/>); read back with <see cref="ReadMark"/>.
    /// </summary>
    public const string MarkColumns = "pg_current_xact_id_if_assigned()::text, pg_postmaster_start_time()";

    /// <summary>
    /// The mark of the transaction open on <paramref name="connection"/>, or <see langword="null"/>
    /// when it has not written anything yet (PostgreSQL assigns an id at the first write).
    /// </summary>
    /// <remarks>
    /// The <c>_if_assigned</c> form matters: <c>pg_current_xact_id()</c> would assign an id to a
    /// transaction that only read, which costs an id and turns its COMMIT into a WAL write and flush.
    /// The server's start time comes in the same round trip.
    /// </remarks>
    public static async Task<PostgresTransactionMark?> MarkIfAssignedAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT " + MarkColumns;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return ReadMark(reader, 0);
    }

    /// <summary>
    /// The mark in the <see cref="MarkColumns"/> of the current row, starting at
    /// <paramref name="ordinal"/>, or <see langword="null"/> when the transaction had no id yet.
    /// </summary>
    public static PostgresTransactionMark? ReadMark(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.IsDBNull(ordinal)
            ? null
            : new PostgresTransactionMark(ulong.Parse(reader.GetString(ordinal), NumberStyles.None, CultureInfo.InvariantCulture), reader.GetDateTime(ordinal + 1));
    }

    /// <summary>
    /// Asks the server, on a connection of its own, what became of the transaction
    /// <paramref name="mark"/> names, and whether the server answering is the one that ran it
    /// (not restarted or replaced by a promoted standby since).
    /// </summary>
    public static async Task<(PostgresTransactionOutcome Outcome, bool SameServer)> QueryAsync(
        NpgsqlDataSource dataSource, PostgresTransactionMark mark, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            bool sameServer;
            await using (var started = new NpgsqlCommand("SELECT pg_postmaster_start_time()", connection))
            {
                sameServer = (DateTime)(await started.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == mark.ServerStartedAt;
            }

            await using var command = new NpgsqlCommand("SELECT pg_xact_status($1::xid8)", connection)
            {
                Parameters = { new NpgsqlParameter { Value = mark.TransactionId.ToString(CultureInfo.InvariantCulture) } },
            };
            try
            {
                var outcome = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) switch
                {
                    "committed" => PostgresTransactionOutcome.Committed,
                    "aborted" => PostgresTransactionOutcome.Aborted,
                    "in progress" => PostgresTransactionOutcome.InProgress,
                    _ => PostgresTransactionOutcome.Unknown,
                };
                return (outcome, sameServer);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidParameterValue)
            {
                // "transaction ID ... is in the future": the server restarted (or a standby was
                // promoted) from a point before the id was handed out, so nothing the transaction
                // wrote survived.
                return (PostgresTransactionOutcome.Unknown, sameServer);
            }
        }
    }
}
