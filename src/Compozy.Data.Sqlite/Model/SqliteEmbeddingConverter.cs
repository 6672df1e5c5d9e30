using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Compozy.Data.Sqlite.Model;

/// <summary>Stores the model's <c>float[]</c> embedding as SQLite's BLOB of float32 little-endian values (<see cref="EmbeddingBytes"/>).</summary>
/// <remarks>A class rather than a lambda in the customizer so that the compiled model can name it.</remarks>
internal sealed class SqliteEmbeddingConverter()
    : ValueConverter<float[], byte[]>(values => ToBytes(values), bytes => ToValues(bytes))
{
    // The lambdas take the arrays themselves: the compiled model copies them as C#, where the
    // span conversion an expression tree records cannot be written out (CS0571). Internal, not
    // private, because the compiled model's copy calls them.
    internal static byte[] ToBytes(float[] values) => EmbeddingBytes.From(values);

    internal static float[] ToValues(byte[] bytes) => EmbeddingBytes.ToValues(bytes);
}
