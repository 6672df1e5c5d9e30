using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Compozy.Data.Writes;

/// <summary>
/// Refuses <c>SaveChanges</c> on read contexts with an error that says where writes go. Without it
/// a write through a read context would succeed on PostgreSQL and fail on SQLite (whose read
/// connections are <c>query_only</c>), which is the kind of provider difference this layer exists
/// to remove.
/// </summary>
public sealed class ReadOnlyContextGuard : SaveChangesInterceptor
{
    /// <summary>The shared instance; it holds no state.</summary>
    public static ReadOnlyContextGuard Instance { get; } = new();

    // Not <inheritdoc/>: EF Core's text for these methods has overload crefs (O:...) that the
    // documentation site's reference generator cannot resolve.

    /// <summary>Throws: a read context never saves.</summary>
    /// <exception cref="InvalidOperationException">Always, naming <see cref="IDatabaseWriter"/> as the way to write.</exception>
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        throw Refusal();

    /// <summary>Throws: a read context never saves.</summary>
    /// <exception cref="InvalidOperationException">Always, naming <see cref="IDatabaseWriter"/> as the way to write.</exception>
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        throw Refusal();

    private static InvalidOperationException Refusal() => new(
        "Contexts from IDbContextFactory<CompozyDbContext> are read-only. Write through " +
        $"{nameof(IDatabaseWriter)}.{nameof(IDatabaseWriter.WriteAsync)}, which serialises writes on SQLite " +
        "and retries transient failures on PostgreSQL.");
}
