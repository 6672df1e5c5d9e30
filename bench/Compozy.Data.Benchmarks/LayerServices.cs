using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// Registers Compozy.Data over a SQLite file from configuration keys, exactly as a host (and the
/// test suite's <c>TestDatabase.BuildServices</c>) does, so the benchmark pays what operators pay.
/// </summary>
internal static class LayerServices
{
    public static ServiceProvider Build(string path, string synchronous = "FULL", string integrityCheck = "OFF")
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["database:driver"] = "sqlite",
            ["database:path"] = path,
            ["database:sqlite:synchronous"] = synchronous,

            // synchronous OFF is refused without the opt-in; the benchmark measures it on purpose.
            ["database:sqlite:allow_unsafe_synchronous"] = "true",
            ["database:sqlite:integrity_check_on_startup"] = integrityCheck,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddCompozyData(configuration)
            .BuildServiceProvider();
    }
}
