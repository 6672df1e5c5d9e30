using System.Globalization;
using Compozy.Data.Knowledge;
using Pgvector;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>
/// What pgvector's <c>vector</c> type accepts, checked on this side so that a bad value fails with
/// a message naming it before anything reaches the server.
/// </summary>
internal static class PgVectorValues
{
    /// <summary>The most values a <c>vector</c> holds (pgvector's <c>VECTOR_MAX_DIM</c>).</summary>
    public const int MaxDimension = 16_000;

    /// <summary>
    /// Why <paramref name="values"/> cannot be stored as a <c>vector</c> (of
    /// <paramref name="expectedDimension"/> values, when given), or <see langword="null"/> when it can.
    /// The message names the length, or the first non-finite value and its zero-based position.
    /// </summary>
    public static string? FindProblem(ReadOnlySpan<float> values, int? expectedDimension = null)
    {
        if (expectedDimension is { } expected && values.Length != expected)
        {
            return string.Create(CultureInfo.InvariantCulture, $"has {values.Length} values, but the dimension is {expected}");
        }

        if (values.Length is 0 or > MaxDimension)
        {
            return string.Create(CultureInfo.InvariantCulture, $"has {values.Length} values; a pgvector vector holds 1 to {MaxDimension}");
        }

        // Finiteness is the vector stores' common rule, with its wording.
        return VectorStoreInput.EmbeddingProblem(values, values.Length);
    }

    /// <summary>Throws when <paramref name="values"/> cannot be stored as a <c>vector</c>.</summary>
    /// <exception cref="ArgumentException">The length is outside 1 to <see cref="MaxDimension"/>, or a value is NaN or infinite; the message says which.</exception>
    public static void Check(ReadOnlySpan<float> values)
    {
        if (FindProblem(values) is { } problem)
        {
            throw new ArgumentException($"This embedding cannot be written as a pgvector vector: it {problem}.", nameof(values));
        }
    }

    /// <summary>
    /// A copy of <paramref name="values"/> as the Pgvector package's <see cref="Vector"/>, after
    /// <see cref="Check"/>: the package sends any length and any value, and the server's refusal
    /// of NaN does not say which value it was.
    /// </summary>
    /// <exception cref="ArgumentException">The values cannot be stored (see <see cref="Check"/>).</exception>
    public static Vector ToVector(ReadOnlySpan<float> values)
    {
        Check(values);
        return new Vector(values.ToArray());
    }

}
