using Compozy.Data.Persistence;

namespace Compozy.Data.Writes;

/// <summary>Overloads of <see cref="IDatabaseWriter"/> for work that returns nothing.</summary>
public static class DatabaseWriterExtensions
{
    /// <inheritdoc cref="IDatabaseWriter.WriteAsync{T}"/>
    public static Task WriteAsync(
        this IDatabaseWriter writer, Func<CompozyDbContext, CancellationToken, Task> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(work);
        return writer.WriteAsync<bool>(
            async (context, token) =>
            {
                await work(context, token).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }
}
