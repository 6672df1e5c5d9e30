using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Compozy.Data.Tests.Model;

/// <summary>Compares a provider's compiled model with the model its entity configurations build.</summary>
internal static class CompiledModelCheck
{
    public const string Remedy = "run scripts/compiled-models.sh and commit what it generates";

    /// <summary>
    /// Fails, naming every difference, when the compiled model and the model built from
    /// <paramref name="designTimeOptions"/> (which build the model from the configurations) differ.
    /// </summary>
    public static void ShouldMatchConfigurations(
        string provider, DbContextOptions<CompozyDbContext> designTimeOptions, IModel compiledModel)
    {
        using var built = new CompozyDbContext(designTimeOptions);
        using var compiled = new CompozyDbContext(
            new DbContextOptionsBuilder<CompozyDbContext>(designTimeOptions).UseModel(compiledModel).Options);

        compiled.Model.ShouldNotBeSameAs(built.Model, "the design-time options must build the model, not take the compiled one");

        // Both are read-optimized runtime models, compared fact by fact. IMigrationsModelDiffer
        // cannot compare them: it needs design-time models, and a compiled model is runtime-only
        // (what only migrations read, such as CHECK constraints, is left out of it; dotnet ef
        // migrations has-pending-model-changes covers that part).
        var differences = ModelFingerprint.Differences(ModelFingerprint.Of(built.Model), ModelFingerprint.Of(compiled.Model));
        if (differences.Count > 0)
        {
            var shown = differences.Take(40).ToList();
            Assert.Fail(
                $"The compiled model of {provider} is out of date with the entity configurations: {Remedy}."
                + $"{Environment.NewLine}{differences.Count} differing facts, the first {shown.Count}:{Environment.NewLine}{string.Join(Environment.NewLine, shown)}");
        }
    }
}
