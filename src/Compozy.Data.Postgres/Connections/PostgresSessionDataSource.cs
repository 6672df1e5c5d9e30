using Npgsql;

namespace Compozy.Data.Postgres.Connections;

/// <summary>
/// Connections outside the pool, each a session of its own that ends when it is closed: for the
/// writer's exclusive work (migrations, pgvector index DDL), which holds session-level advisory
/// locks.
/// </summary>
/// <remarks>
/// The pool skips Npgsql's reset of a returned connection (<c>No Reset On Close</c>,
/// <see cref="PostgresDatabaseProvider"/>): the stores keep no session state, and the reset was a
/// statement on the server before every use of a pooled connection. A session-level lock taken on
/// a pooled connection and not released (a close while migrating, a failed unlock) would then go
/// back into the pool with it and block every later taker. Here a close ends the session, and with
/// it every lock. One connection at most: exclusive work runs one at a time, outside
/// <c>max_open_conns</c>.
/// </remarks>
internal sealed class PostgresSessionDataSource : IDisposable, IAsyncDisposable
{
    public PostgresSessionDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.Pooling = false;
        builder.UseVector();
        DataSource = builder.Build();
    }

    /// <summary>The unpooled data source.</summary>
    public NpgsqlDataSource DataSource { get; }

    public void Dispose() => DataSource.Dispose();

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
