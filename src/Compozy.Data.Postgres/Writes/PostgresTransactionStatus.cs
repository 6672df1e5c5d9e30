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
    /// The id of the transaction open on <paramref name="connection"/>, or <see langword="null"/>
    /// when it has not written anything yet (PostgreSQL assigns an id at the first write).
    /// </summary>
    /// <remarks>
    /// The <c>_if_assigned</c> form matters: <c>pg_current_xact_id()</c> would assign an id to a
    /// transaction that only read, which costs an id and turns its COMMIT into a WAL write and flush.
    /// </remarks>
    public static async Task<ulong?> CurrentIdIfAssignedAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT pg_current_xact_id_if_assigned()::text";
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is string text ? ulong.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Asks the server, on a connection of its own, what became of transaction <paramref name="transactionId"/>.</summary>
    public static async Task<PostgresTransactionOutcome> QueryAsync(NpgsqlDataSource dataSource, ulong transactionId, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var command = new NpgsqlCommand("SELECT pg_xact_status($1::xid8)", connection)
            {
                Parameters = { new NpgsqlParameter { Value = transactionId.ToString(CultureInfo.InvariantCulture) } },
            };
            try
            {
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) switch
                {
                    "committed" => PostgresTransactionOutcome.Committed,
                    "aborted" => PostgresTransactionOutcome.Aborted,
                    "in progress" => PostgresTransactionOutcome.InProgress,
                    _ => PostgresTransactionOutcome.Unknown,
                };
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidParameterValue)
            {
                // "transaction ID ... is in the future": the server restarted from a point before the
                // id was handed out, so nothing the transaction wrote survived.
                return PostgresTransactionOutcome.Unknown;
            }
        }
    }
}
