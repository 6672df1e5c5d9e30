using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Compozy.Data.Testing;

/// <summary>
/// A class fixture holding one migrated database per kind for a test class: the class's tests
/// share it (and so must use unique ids), other classes never see it.
/// </summary>
public sealed class MigratedDatabaseFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<DatabaseKind, Lazy<Task<TestDatabase>>> _databases = new();

    /// <summary>
    /// The stores' clock: it starts at the real time and moves forward 1 ms each time it is read,
    /// as a real clock would between two writes; a test that needs two timestamps apart advances
    /// it instead of waiting.
    /// </summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };

    /// <summary>The migrated database of <paramref name="kind"/>, created on first use.</summary>
    public Task<TestDatabase> GetAsync(DatabaseKind kind) =>
        _databases.GetOrAdd(kind, key => new Lazy<Task<TestDatabase>>(async () =>
            await (await TestDatabase.CreateAsync(key, "fixture", clock: Clock)).MigrateAsync())).Value;

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var database in _databases.Values.Where(lazy => lazy.IsValueCreated))
        {
            try
            {
                await (await database.Value).DisposeAsync();
            }
            catch (InvalidOperationException)
            {
                // Creation failed (for example, no PostgreSQL configured); the tests already reported it.
            }
        }
    }
}
