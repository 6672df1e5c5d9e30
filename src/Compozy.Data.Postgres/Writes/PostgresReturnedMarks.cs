using System.Collections.Concurrent;
using System.Data.Common;
using Compozy.Data.Persistence;

namespace Compozy.Data.Postgres.Writes;

/// <summary>
/// The transaction marks that the stores' upserts return beside their row
/// (<see cref="Stores.PostgresStoreDialect"/>), kept by the writer context that ran them until its
/// writer reads them before <c>COMMIT</c>. An upsert is the hottest write, and its reply already
/// comes back from inside the transaction: taking the mark there spares the write the round trip
/// of <see cref="PostgresTransactionStatus.MarkIfAssignedAsync"/>, two round trips instead of three.
/// </summary>
/// <remarks>
/// A transaction's id, once assigned, stays its own until it ends, so a mark returned by any of
/// its statements is the mark of the transaction. Only a context whose writer is listening
/// (<see cref="Listen"/>) keeps one: an upsert on any other context is ignored, and its writer
/// asks the server as before.
/// </remarks>
internal sealed class PostgresReturnedMarks
{
    private readonly ConcurrentDictionary<CompozyDbContext, Slot> _listening = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Keeps what upserts on <paramref name="context"/> return until the returned slot is
    /// disposed; one attempt of one write at a time per context.
    /// </summary>
    public Slot Listen(CompozyDbContext context)
    {
        var slot = new Slot(this, context);
        if (!_listening.TryAdd(context, slot))
        {
            throw new InvalidOperationException("a writer context is already listening for the mark of another attempt");
        }

        return slot;
    }

    /// <summary>Keeps the mark in the current row of <paramref name="reader"/> for the writer of <paramref name="context"/>, if it listens.</summary>
    public void Record(CompozyDbContext context, DbDataReader reader, int ordinal)
    {
        if (_listening.TryGetValue(context, out var slot) && PostgresTransactionStatus.ReadMark(reader, ordinal) is { } mark)
        {
            slot.Mark = mark;
        }
    }

    /// <summary>What one attempt's statements returned; disposing it stops the listening.</summary>
    internal sealed class Slot(PostgresReturnedMarks owner, CompozyDbContext context) : IDisposable
    {
        /// <summary>The transaction's mark, once a statement of this attempt returned one.</summary>
        public PostgresTransactionMark? Mark { get; set; }

        public void Dispose() => owner._listening.TryRemove(new KeyValuePair<CompozyDbContext, Slot>(context, this));
    }
}
