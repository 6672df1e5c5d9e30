using Compozy.Data.Errors;

namespace Compozy.Data.Stores;

/// <summary>Turns provider exceptions escaping a store operation into <see cref="CompozyDataException"/>.</summary>
internal sealed class StoreErrors(DbErrorTranslator translator)
{
    public async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not CompozyDataException and not ArgumentException and not OperationCanceledException)
        {
            // The translator logs the technical detail; callers get a kind and a message to act on.
            // What it does not recognise as a database error (a caller's own exception thrown
            // inside a transaction, for one) goes on unchanged.
            var translated = translator.Translate(exception, operation, cancellationToken);
            if (translated is null)
            {
                throw;
            }

            throw translated;
        }
    }

    public Task RunAsync(string operation, Func<CancellationToken, Task> action, CancellationToken cancellationToken) =>
        RunAsync<bool>(
            operation,
            async token =>
            {
                await action(token).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
}
