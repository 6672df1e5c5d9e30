using Compozy.Data.Persistence;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>A unit of work returning <typeparamref name="T"/>.</summary>
internal sealed class UnitOfWork<T>(Func<CompozyDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    : UnitOfWork(cancellationToken)
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    public override async Task<object?> RunAsync(CompozyDbContext context) =>
        await work(context, CancellationToken).ConfigureAwait(false);

    public override void Complete(object? result) => _completion.TrySetResult((T)result!);

    public override void Fail(Exception exception) => _completion.TrySetException(exception);

    public override void Cancel() => _completion.TrySetCanceled(CancellationToken);
}
