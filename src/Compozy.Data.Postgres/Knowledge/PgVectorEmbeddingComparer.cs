using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>
/// Detects a changed embedding by its values, not by the array reference, and snapshots a copy,
/// so that writing into the tracked array is saved like assigning a new one.
/// </summary>
internal sealed class PgVectorEmbeddingComparer()
    : ValueComparer<float[]>((left, right) => AreEqual(left, right), values => values.Length, values => values.ToArray())
{
    // Internal, not private: the compiled model (Model/Compiled) copies the comparer's lambdas and calls it.
    internal static bool AreEqual(float[]? left, float[]? right) =>
        left is null || right is null ? ReferenceEquals(left, right) : left.AsSpan().SequenceEqual(right);
}
