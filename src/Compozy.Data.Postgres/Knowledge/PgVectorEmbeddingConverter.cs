using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Pgvector;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>
/// Stores the model's <c>float[]</c> embedding as the Pgvector package's <see cref="Vector"/>, so
/// the entity stays provider-neutral (SQLite keeps its BLOB) while PostgreSQL uses the package's
/// mapping. The values are checked on the way in: pgvector refuses NaN and infinities without
/// saying which value, and the package sends whatever it is given.
/// </summary>
internal sealed class PgVectorEmbeddingConverter()
    : ValueConverter<float[], Vector>(values => ToVector(values), vector => vector.ToArray())
{
    // Takes the array itself: a span conversion inside the expression tree would depend on how EF
    // runs the tree (compiled or interpreted), and ref structs cannot be interpreted.
    // Internal, not private: the compiled model (Model/Compiled) copies the converter's lambdas and calls it.
    internal static Vector ToVector(float[] values) => PgVectorValues.ToVector(values);
}
