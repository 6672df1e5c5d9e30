using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>The few ways the pgvector store's parts reach the database below EF: the writer's transaction, a read connection, one-off commands.</summary>
internal static class PgVectorCommands
{
    /// <summary>The connection and transaction of a context inside the writer's transaction (or a search's).</summary>
    public static (NpgsqlConnection Connection, NpgsqlTransaction Transaction) Transaction(CompozyDbContext context) =>
        ((NpgsqlConnection)context.Database.GetDbConnection(),
         (NpgsqlTransaction)(context.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("the pgvector store writes inside the writer's transaction")));

    /// <summary>Runs <paramref name="read"/> on the open connection of a read context, under its execution strategy (transient failures retried).</summary>
    public static async Task<T> ReadAsync<T>(
        IDbContextFactory<CompozyDbContext> contexts, Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            return await context.Database.CreateExecutionStrategy().ExecuteAsync(
                async token =>
                {
                    await context.Database.OpenConnectionAsync(token).ConfigureAwait(false);
                    try
                    {
                        return await read((NpgsqlConnection)context.Database.GetDbConnection(), token).ConfigureAwait(false);
                    }
                    finally
                    {
                        await context.Database.CloseConnectionAsync().ConfigureAwait(false);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a statement without a timeout: index DDL takes as long as the data it covers.</summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.Parameters.AddRange(parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<object?> ExecuteScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
