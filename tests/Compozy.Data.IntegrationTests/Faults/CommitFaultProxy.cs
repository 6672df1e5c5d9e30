using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>
/// A loopback TCP relay in front of a PostgreSQL server that breaks the connection around one
/// COMMIT, the way a failing network path, proxy or load balancer does, so that the client meets a
/// real lost connection rather than an exception made up in the client:
/// <list type="bullet">
/// <item><see cref="LoseNextCommitReply"/>: the COMMIT reaches the server, the server answers
/// (which PostgreSQL does only once the transaction is committed), and the answer is thrown away
/// while the client's connection is reset.</item>
/// <item><see cref="CutConnectionAtNextCommit"/>: the client's connection is reset as soon as the
/// COMMIT has been passed on, whatever the server does with it afterwards.</item>
/// </list>
/// </summary>
internal sealed class CommitFaultProxy : IAsyncDisposable
{
    /// <summary>The simple-protocol Query message Npgsql sends to commit: 'Q', length 11, "COMMIT\0".</summary>
    private static readonly byte[] CommitQuery = [(byte)'Q', 0, 0, 0, 11, .. "COMMIT"u8, 0];

    private static readonly byte[] StatusQuery = "pg_xact_status"u8.ToArray();

    /// <summary>The writer's own request for the transaction's id; an upsert returns the same columns without a <c>SELECT</c> of its own.</summary>
    private static readonly byte[] MarkQuery = "SELECT pg_current_xact_id_if_assigned()"u8.ToArray();

    /// <summary>What a read keeps of the one before, so that a pattern split across two reads is still seen: the longest pattern but one byte.</summary>
    private static readonly int Carried = new[] { CommitQuery, StatusQuery, MarkQuery }.Max(pattern => pattern.Length) - 1;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _closing = new();
    private readonly ConcurrentBag<Task> _relays = [];
    private readonly string _upstreamHost;
    private readonly int _upstreamPort;
    private readonly Task _accepting;
    private int _armed;
    private int _droppedReplies;
    private int _cutConnections;
    private int _statusQueries;
    private int _markQueries;

    private CommitFaultProxy(string upstreamConnectionString)
    {
        var upstream = new NpgsqlConnectionStringBuilder(upstreamConnectionString);
        _upstreamHost = upstream.Host!;
        _upstreamPort = upstream.Port;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    private enum Fault
    {
        None,
        LoseReply,
        Cut,
    }

    /// <summary>How many replies to COMMIT were lost so far.</summary>
    public int DroppedReplies => Volatile.Read(ref _droppedReplies);

    /// <summary>How many connections were cut right after a COMMIT so far.</summary>
    public int CutConnections => Volatile.Read(ref _cutConnections);

    /// <summary>How many requests asking <c>pg_xact_status</c> went through the relay so far.</summary>
    public int StatusQueries => Volatile.Read(ref _statusQueries);

    /// <summary>How many requests for the transaction's id (<c>SELECT pg_current_xact_id_if_assigned()</c>) went through the relay so far.</summary>
    public int MarkQueries => Volatile.Read(ref _markQueries);

    /// <summary>Starts a relay to the server of <paramref name="upstreamConnectionString"/>.</summary>
    public static CommitFaultProxy Start(string upstreamConnectionString) => new(upstreamConnectionString);

    /// <summary>
    /// <paramref name="upstreamConnectionString"/> pointed at the relay, in plain text (TLS or GSS
    /// encryption would hide the COMMIT from it).
    /// </summary>
    public string Route(string upstreamConnectionString) =>
        new NpgsqlConnectionStringBuilder(upstreamConnectionString)
        {
            Host = IPAddress.Loopback.ToString(),
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port,
            SslMode = SslMode.Disable,
            GssEncryptionMode = GssEncryptionMode.Disable,
        }.ConnectionString;

    /// <summary>Loses the server's reply to the next COMMIT sent through the relay, on whichever connection.</summary>
    public void LoseNextCommitReply() => Volatile.Write(ref _armed, (int)Fault.LoseReply);

    /// <summary>Resets the client's connection right after passing on the next COMMIT.</summary>
    public void CutConnectionAtNextCommit() => Volatile.Write(ref _armed, (int)Fault.Cut);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        _listener.Stop();
        await Task.WhenAll([_accepting, .. _relays]).ContinueWith(_ => { }, TaskScheduler.Default);
        _closing.Dispose();
    }

    private static void Reset(TcpClient client)
    {
        client.Client.LingerState = new LingerOption(enable: true, seconds: 0);
        client.Client.Close();
    }

    private async Task AcceptAsync()
    {
        while (!_closing.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_closing.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _relays.Add(RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var server = new TcpClient();
        Task[] pumps = [];
        try
        {
            await server.ConnectAsync(_upstreamHost, _upstreamPort, _closing.Token);
            var connection = new Connection();
            pumps = [PumpToServerAsync(client, server.GetStream(), connection), PumpToClientAsync(server.GetStream(), client, connection)];
            await Task.WhenAny(pumps);
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The server is unreachable or the relay is closing: the client's connection just ends.
        }
        finally
        {
            // Either side ending ends the other, as it would without the relay.
            client.Dispose();
            server.Dispose();
            await Task.WhenAll(pumps).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task PumpToServerAsync(TcpClient client, NetworkStream server, Connection connection)
    {
        var stream = client.GetStream();
        var buffer = new byte[16 * 1024];

        var carry = Array.Empty<byte>();
        int read;
        while ((read = await stream.ReadAsync(buffer, _closing.Token)) > 0)
        {
            byte[] window = [.. carry, .. buffer.AsSpan(0, read)];
            var carried = carry.Length;
            carry = window[Math.Max(0, window.Length - Carried)..];
            if (EndsInThisRead(window, carried, StatusQuery))
            {
                Interlocked.Increment(ref _statusQueries);
            }

            if (EndsInThisRead(window, carried, MarkQuery))
            {
                Interlocked.Increment(ref _markQueries);
            }

            var fault = EndsInThisRead(window, carried, CommitQuery) ? (Fault)Interlocked.Exchange(ref _armed, (int)Fault.None) : Fault.None;

            if (fault == Fault.LoseReply)
            {
                // Marked before the COMMIT leaves, so the reply cannot overtake the mark.
                connection.LoseReply = true;
            }

            await server.WriteAsync(buffer.AsMemory(0, read), _closing.Token);
            if (fault == Fault.Cut)
            {
                Interlocked.Increment(ref _cutConnections);
                Reset(client);
                return;
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="pattern"/> occurs in <paramref name="window"/> with at least its last
    /// byte after the <paramref name="carried"/> bytes kept from the read before, so that one seen
    /// there is not counted again.
    /// </summary>
    private static bool EndsInThisRead(byte[] window, int carried, byte[] pattern) =>
        window.AsSpan(Math.Max(0, carried - (pattern.Length - 1))).IndexOf(pattern) >= 0;

    private async Task PumpToClientAsync(NetworkStream server, TcpClient client, Connection connection)
    {
        var buffer = new byte[16 * 1024];
        var stream = client.GetStream();
        int read;
        while ((read = await server.ReadAsync(buffer, _closing.Token)) > 0)
        {
            if (connection.LoseReply)
            {
                // The server answered COMMIT, so the transaction is committed; the client never hears it.
                Interlocked.Increment(ref _droppedReplies);
                Reset(client);
                return;
            }

            await stream.WriteAsync(buffer.AsMemory(0, read), _closing.Token);
        }
    }

    private sealed class Connection
    {
        private volatile bool _loseReply;

        public bool LoseReply
        {
            get => _loseReply;
            set => _loseReply = value;
        }
    }
}
