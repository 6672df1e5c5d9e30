using System.Data;
using System.Data.Common;
using Compozy.Data.Stores;
using Npgsql;

namespace Compozy.Data.Postgres.Stores;

/// <summary>
/// The stores' single-row reads on PostgreSQL: a connection of the host's data source (the pool
/// the read contexts use), the statement prepared on it. Npgsql keeps a prepared statement with
/// the physical connection, so only the first read on each connection prepares; later ones send
/// Bind and Execute in one round trip, without EF Core's query pipeline around them.
/// </summary>
internal sealed class PostgresPreparedReads(NpgsqlDataSource dataSource) : IPreparedReads
{
    public async Task<T?> ReadRowAsync<T>(string sql, string parameterName, object key, Func<DbDataReader, T> materialize, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(materialize);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand(sql, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter(parameterName, key));
                await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
                var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? materialize(reader) : null;
                }
            }
        }
    }
}
