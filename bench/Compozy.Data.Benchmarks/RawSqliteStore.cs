using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// The SQLite baseline of <c>stores</c>: plain Microsoft.Data.Sqlite on a database the layer
/// migrated and seeded (then closed), with two connections of its own (WAL, the same synchronous mode) and one
/// prepared command each. An upsert is <c>BEGIN IMMEDIATE</c>, the statement, <c>COMMIT</c>; a
/// read is the <c>SELECT</c> with every column read. Callers of <see cref="UpsertAsync"/> and <see cref="Get"/> must not overlap (one connection each); <see cref="SerializedUpsert"/> takes turns.
/// </summary>
internal sealed class RawSqliteStore : IAsyncDisposable
{
    private readonly SqliteConnection _writer;
    private readonly SqliteConnection _reader;
    private readonly SqliteCommand _upsert;
    private readonly SqliteCommand _get;
    private readonly List<SqliteCommand> _disposables = [];
    private SqliteTransaction? _batch;

    public RawSqliteStore(string path, string synchronous)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        _writer = new SqliteConnection(connectionString);
        _writer.Open();
        Execute(_writer, "PRAGMA journal_mode = WAL;");
        Execute(_writer, synchronous == "NORMAL" ? "PRAGMA synchronous = NORMAL;" : "PRAGMA synchronous = FULL;");
        Execute(_writer, "PRAGMA busy_timeout = 5000;");
        _reader = new SqliteConnection(connectionString);
        _reader.Open();

        _upsert = _writer.CreateCommand();
        _upsert.CommandText = RawStoreSql.UpsertWorkflow;
        _upsert.Parameters.Add("@id", SqliteType.Text);
        _upsert.Parameters.AddWithValue("@workflow", SampleWorkflow.WorkflowId);
        _upsert.Parameters.AddWithValue("@input", SampleWorkflow.InputJson);
        _upsert.Parameters.Add("@now", SqliteType.Text);

        _get = _reader.CreateCommand();
        _get.CommandText = RawStoreSql.GetTask;
        _get.Parameters.Add("@id", SqliteType.Text);
    }

    public ValueTask UpsertAsync()
    {
        using var transaction = _writer.BeginTransaction(deferred: false);
        _upsert.Transaction = transaction;
        _upsert.Parameters["@id"].Value = SampleWorkflow.NewExecId();
        _upsert.Parameters["@now"].Value = DateTime.UtcNow;
        using (var reader = _upsert.ExecuteReader())
        {
            ReadAll(reader);
        }

        transaction.Commit();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The upsert for concurrent callers: they take turns on the one writer connection, each with a
    /// transaction and an fsync of its own, as plain ADO.NET on SQLite's single writer does
    /// without group commit.
    /// </summary>
    public Func<ValueTask> SerializedUpsert()
    {
        var turn = new SemaphoreSlim(1, 1);
        return async () =>
        {
            await turn.WaitAsync().ConfigureAwait(false);
            try
            {
                await UpsertAsync().ConfigureAwait(false);
            }
            finally
            {
                turn.Release();
            }
        };
    }

    /// <summary>
    /// Upserts that share a transaction <paramref name="batch"/> at a time, each under a savepoint,
    /// from one caller: <c>BEGIN IMMEDIATE</c> before the first of a batch, <c>COMMIT</c> after the
    /// last. The work of the layer's group commit for the same batch, written by hand, with no
    /// callers, queue or hand-offs: the ceiling of a single writer connection. An upsert returns
    /// before its batch commits, so only the rate means anything; a batch left open at the end of
    /// a window goes on in the next one, and is committed when the store is disposed. It holds the
    /// writer connection's transaction between calls, so a store that runs batches runs nothing else.
    /// </summary>
    public Func<ValueTask> BatchedUpsert(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 2);
        var save = _writer.CreateCommand();
        save.CommandText = "SAVEPOINT unit;";
        var release = _writer.CreateCommand();
        release.CommandText = "RELEASE unit;";
        _disposables.Add(save);
        _disposables.Add(release);
        var written = 0;
        return () =>
        {
            if (written == 0)
            {
                _batch = _writer.BeginTransaction(deferred: false);
                (save.Transaction, release.Transaction, _upsert.Transaction) = (_batch, _batch, _batch);
            }

            save.ExecuteNonQuery();
            _upsert.Parameters["@id"].Value = SampleWorkflow.NewExecId();
            _upsert.Parameters["@now"].Value = DateTime.UtcNow;
            using (var reader = _upsert.ExecuteReader())
            {
                ReadAll(reader);
            }

            release.ExecuteNonQuery();
            if (++written == batch)
            {
                _batch!.Commit();
                _batch.Dispose();
                _batch = null;
                written = 0;
            }

            return ValueTask.CompletedTask;
        };
    }

    public Func<ValueTask> Get(string[] taskIds)
    {
        var next = StoreRows.Cycle(taskIds);
        return () =>
        {
            _get.Parameters["@id"].Value = next();
            using var reader = _get.ExecuteReader();
            ReadAll(reader);
            return ValueTask.CompletedTask;
        };
    }

    /// <summary>Reads every column of every row, as a caller that uses the row would.</summary>
    internal static int ReadAll(DbDataReader reader)
    {
        var rows = 0;
        var values = new object[reader.FieldCount];
        while (reader.Read())
        {
            reader.GetValues(values);
            rows++;
        }

        return rows == 1 ? rows : throw new InvalidOperationException($"expected one row, read {rows}");
    }

    public ValueTask DisposeAsync()
    {
        _batch?.Commit();
        _batch?.Dispose();
        _disposables.ForEach(command => command.Dispose());
        _upsert.Dispose();
        _get.Dispose();
        _writer.Dispose();
        _reader.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
