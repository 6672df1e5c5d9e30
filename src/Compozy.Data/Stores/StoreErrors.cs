using Compozy.Data.Diagnostics;
using Compozy.Data.Errors;
using Compozy.Data.Health;

namespace Compozy.Data.Stores;

/// <summary>
/// Runs a store operation measured by <see cref="StoreOperationTimings"/>, and turns provider
/// exceptions escaping it into <see cref="CompozyDataException"/>; refused at once while
/// <see cref="DatabaseCircuit"/> is open, and counted by it.
/// </summary>
internal sealed class StoreErrors(DbErrorTranslator translator, StoreOperationTimings timings, DatabaseCircuit circuit)
{
    /// <summary>
    /// Runs <paramref name="action"/> as <paramref name="operation"/>, a fixed name (a metric
    /// dimension and the subject of error messages); <paramref name="shape"/> says how large the
    /// request is (a count), never what it holds.
    /// </summary>
    public Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken, string? shape = null) =>
        timings.MeasureAsync(operation, shape, async () =>
        {
            circuit.ThrowIfOpen(operation);
            try
            {
                var result = await action(cancellationToken).ConfigureAwait(false);
                circuit.RecordSuccess();
                return result;
            }
            catch (CompozyDataException error)
            {
                circuit.RecordFailure(error, error.InnerException);
                throw;
            }
            catch (Exception exception) when (exception is not CompozyDataException and not ArgumentException and not OperationCanceledException)
            {
                // The translator logs the technical detail; callers get a kind and a message to act on.
                // What it does not recognise as a database error (a caller's own exception thrown
                // inside a transaction, for one) goes on unchanged.
                var translated = translator.Translate(exception, shape is null ? operation : $"{operation} ({shape})", cancellationToken);
                if (translated is null)
                {
                    throw;
                }

                circuit.RecordFailure(translated, exception);
                throw translated;
            }
        });

    public Task RunAsync(string operation, Func<CancellationToken, Task> action, CancellationToken cancellationToken, string? shape = null) =>
        RunAsync<bool>(
            operation,
            async token =>
            {
                await action(token).ConfigureAwait(false);
                return true;
            },
            cancellationToken,
            shape);

    /// <summary>Measures <paramref name="action"/> as <paramref name="operation"/> without translating its errors (a vector store translates its own).</summary>
    public Task<T> MeasureAsync<T>(string operation, string? shape, Func<Task<T>> action) => timings.MeasureAsync(operation, shape, action);
}
