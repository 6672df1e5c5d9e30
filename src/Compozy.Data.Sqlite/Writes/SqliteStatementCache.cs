using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>
/// Keeps the statements EF runs on the writer connection prepared between calls: EF creates a new
/// command for every query and Microsoft.Data.Sqlite compiles its text again each time
/// (<c>sqlite3_prepare</c>, 16% of the writer's time at 64 writers, bench/README.md "Profile").
/// A command of this connection with a text seen before runs on a <see cref="SqliteCommand"/>
/// kept per text instead, which Microsoft.Data.Sqlite prepares once and then only resets and
/// binds.
/// </summary>
/// <remarks>
/// <para>An interceptor that suppresses EF's execution with the cached command's result rather
/// than a command wrapper returned from <c>CommandCreated</c>: EF keeps creating, configuring,
/// logging and disposing its own command exactly as before, and only the execution moves, so the
/// errors (the same <see cref="SqliteException"/>, raised inside EF's execution and passed to
/// every <c>CommandFailed</c> interceptor, <see cref="Diagnostics.SqliteBusyCounter"/> included),
/// the retrying strategy and the reader's disposal by EF stay EF's own. A wrapper would have to
/// forward every member of <see cref="DbCommand"/> and would still hand EF a command it disposes.</para>
/// <para>Safe because the writer connection is used by one turn at a time (the loop runs one
/// statement after another), so a cached command is never run twice at once; a command whose
/// reader is still open is not reused (EF runs its own instead). The cached command takes EF's
/// parameter objects, transaction and timeout for each call, so nothing of one call stays bound
/// for the next. A statement prepared before a schema change is compiled again by SQLite itself
/// (<c>sqlite3_prepare_v2</c>). Bound to one connection: commands of any other connection pass
/// through, and when the connection closes every cached command is disposed (Microsoft.Data.Sqlite
/// disposes the commands of a closing connection too) and forgotten.</para>
/// <para>Only DML and queries are cached (<c>INSERT</c>, <c>UPDATE</c>, <c>DELETE</c>,
/// <c>REPLACE</c>, <c>SELECT</c>, <c>WITH</c>, <c>VALUES</c>). <c>PRAGMA</c> is not: SQLite
/// documents that some pragmas take effect while the statement is compiled, not when it runs, so a
/// pragma stepped again from a cached statement may do nothing. DDL, transaction control,
/// <c>VACUUM</c>, <c>ATTACH</c> and migration scripts run once or rarely and would only push the
/// hot statements out of the cache.</para>
/// </remarks>
internal sealed class SqliteStatementCache : DbCommandInterceptor, IDisposable
{
    /// <summary>How many command texts stay prepared; the writer's hot set (the upserts of each store, their follow-up queries) is far smaller.</summary>
    public const int DefaultCapacity = 64;

    private static readonly string[] CachedVerbs = ["INSERT", "UPDATE", "DELETE", "REPLACE", "SELECT", "WITH", "VALUES"];

    private readonly SqliteConnection _connection;
    private readonly int _capacity;
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);

    // Most recently used first.
    private readonly LinkedList<Entry> _recent = new();

    // The writer loop is the only caller, one call at a time; the lock covers the close, which
    // may come from the thread that disposes the writer.
    private readonly Lock _lock = new();
    private long _hits;
    private long _misses;

    /// <param name="connection">The writer connection; the cache serves its commands only.</param>
    /// <param name="capacity">How many command texts stay prepared.</param>
    public SqliteStatementCache(SqliteConnection connection, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _connection = connection;
        _capacity = capacity;
        _connection.StateChange += OnStateChange;
    }

    /// <summary>Executions that reused a prepared command.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Executions that prepared a new cached command.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>How many command texts are cached now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <inheritdoc />
    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (result.HasResult || Rent(command) is not { } entry)
        {
            return result;
        }

        var reader = entry.Command.ExecuteReader();
        entry.Reader = reader;
        return InterceptionResult<DbDataReader>.SuppressWithResult(reader);
    }

    /// <inheritdoc />
    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (result.HasResult || Rent(command) is not { } entry)
        {
            return result;
        }

        var reader = await entry.Command.ExecuteReaderAsync(CommandBehavior.Default, cancellationToken).ConfigureAwait(false);
        entry.Reader = reader;
        return InterceptionResult<DbDataReader>.SuppressWithResult(reader);
    }

    /// <inheritdoc />
    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        result.HasResult || Rent(command) is not { } entry
            ? result
            : InterceptionResult<int>.SuppressWithResult(entry.Command.ExecuteNonQuery());

    /// <inheritdoc />
    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        result.HasResult || Rent(command) is not { } entry
            ? result
            : InterceptionResult<int>.SuppressWithResult(await entry.Command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        result.HasResult || Rent(command) is not { } entry
            ? result
            : InterceptionResult<object>.SuppressWithResult(entry.Command.ExecuteScalar()!);

    /// <inheritdoc />
    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
        result.HasResult || Rent(command) is not { } entry
            ? result
            : InterceptionResult<object>.SuppressWithResult((await entry.Command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);

    /// <summary>Disposes every cached command; later commands are prepared again.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            foreach (var entry in _recent)
            {
                entry.Command.Dispose();
            }

            _recent.Clear();
            _entries.Clear();
        }
    }

    /// <summary>Disposes every cached command and stops following the connection.</summary>
    public void Dispose()
    {
        _connection.StateChange -= OnStateChange;
        Clear();
    }

    /// <summary>Whether <paramref name="commandText"/> is a statement this cache keeps: DML or a query, after any leading comments.</summary>
    internal static bool IsCacheable(string commandText)
    {
        var text = commandText.AsSpan();
        while (true)
        {
            text = text.TrimStart();
            if (text.StartsWith("--", StringComparison.Ordinal))
            {
                var end = text.IndexOf('\n');
                if (end < 0)
                {
                    return false;
                }

                text = text[(end + 1)..];
            }
            else if (text.StartsWith("/*", StringComparison.Ordinal))
            {
                var end = text.IndexOf("*/", StringComparison.Ordinal);
                if (end < 0)
                {
                    return false;
                }

                text = text[(end + 2)..];
            }
            else
            {
                break;
            }
        }

        foreach (var verb in CachedVerbs)
        {
            if (text.StartsWith(verb, StringComparison.OrdinalIgnoreCase)
                && (text.Length == verb.Length || !(char.IsLetterOrDigit(text[verb.Length]) || text[verb.Length] == '_')))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The cached entry to run <paramref name="command"/> on, loaded with its parameters and transaction, or null when EF runs it itself.</summary>
    private Entry? Rent(DbCommand command)
    {
        if (command is not SqliteCommand sqlite
            || !ReferenceEquals(sqlite.Connection, _connection)
            || _connection.State != ConnectionState.Open
            || !IsCacheable(sqlite.CommandText))
        {
            return null;
        }

        foreach (var parameter in sqlite.Parameters)
        {
            if (parameter is not SqliteParameter)
            {
                return null;
            }
        }

        Entry entry;
        lock (_lock)
        {
            if (_entries.TryGetValue(sqlite.CommandText, out var node))
            {
                entry = node.Value;

                // Its reader is still being read (a caller keeps two readers of one text open): that
                // one call runs on EF's own command.
                if (entry.Reader is { IsClosed: false })
                {
                    return null;
                }

                _recent.Remove(node);
                _recent.AddFirst(node);
                Interlocked.Increment(ref _hits);
            }
            else
            {
                entry = new Entry(new SqliteCommand(sqlite.CommandText, _connection));
                _entries.Add(sqlite.CommandText, _recent.AddFirst(entry));
                Interlocked.Increment(ref _misses);
                EvictBeyondCapacity();
            }
        }

        // EF's parameter objects themselves, so that the value, the SqliteType and the size EF's
        // type mappings set are bound exactly as EF's own command would bind them. They stay
        // referenced until the next call of this text replaces them: a reader of several
        // statements binds each statement when it reaches it.
        var parameters = entry.Command.Parameters;
        parameters.Clear();
        foreach (SqliteParameter parameter in sqlite.Parameters)
        {
            parameters.Add(parameter);
        }

        entry.Command.Transaction = sqlite.Transaction;
        entry.Command.CommandTimeout = sqlite.CommandTimeout;
        entry.Reader = null;
        return entry;
    }

    private void EvictBeyondCapacity()
    {
        var node = _recent.Last;
        while (_entries.Count > _capacity && node is not null)
        {
            var previous = node.Previous;

            // A command whose reader is open stays until the reader is done; the next miss evicts it.
            if (node.Value.Reader is not { IsClosed: false })
            {
                _recent.Remove(node);
                _entries.Remove(node.Value.Command.CommandText);
                node.Value.Command.Dispose();
            }

            node = previous;
        }
    }

    private void OnStateChange(object sender, StateChangeEventArgs change)
    {
        if (change.CurrentState != ConnectionState.Open)
        {
            Clear();
        }
    }

    private sealed class Entry(SqliteCommand command)
    {
        public SqliteCommand Command { get; } = command;

        /// <summary>The reader of the last execution, while EF may still read it.</summary>
        public SqliteDataReader? Reader { get; set; }
    }
}
