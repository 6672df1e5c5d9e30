using Compozy.Data.Persistence;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>A caller's unit of work; it runs inside a batch transaction, under its own savepoint.</summary>
internal abstract class UnitOfWork(CancellationToken cancellationToken) : WriterItem(cancellationToken)
{
    public abstract Task<object?> RunAsync(CompozyDbContext context);

    public abstract void Complete(object? result);
}
