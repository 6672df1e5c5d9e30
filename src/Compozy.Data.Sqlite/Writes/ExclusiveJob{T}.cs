using Microsoft.Data.Sqlite;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>An exclusive job returning <typeparamref name="T"/>.</summary>
internal sealed class ExclusiveJob<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    : ExclusiveJob(cancellationToken)
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    public override async Task RunAsync(SqliteConnection connection, Action verifyAfter)
    {
        try
        {
            var result = await work(connection, CancellationToken).ConfigureAwait(false);
            verifyAfter();
            _completion.TrySetResult(result);
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            Cancel();
        }
        catch (Exception exception)
        {
            Fail(exception);
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);

    public override void Cancel() => _completion.TrySetCanceled(CancellationToken);
}
