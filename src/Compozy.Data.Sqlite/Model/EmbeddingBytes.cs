using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Compozy.Data.Sqlite.Model;

/// <summary>
/// Embeddings as SQLite stores them: float32 values, little-endian, back to back, so the file
/// reads the same on any machine.
/// </summary>
internal static class EmbeddingBytes
{
    /// <summary>The bytes of <paramref name="values"/>.</summary>
    public static byte[] From(ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            return MemoryMarshal.AsBytes(values).ToArray();
        }

        var bytes = new byte[values.Length * sizeof(float)];
        for (var index = 0; index < values.Length; index++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(index * sizeof(float)), values[index]);
        }

        return bytes;
    }

    /// <summary>Reads <paramref name="bytes"/> into <paramref name="destination"/>, which must hold exactly their values.</summary>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public static void CopyTo(ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        if (bytes.Length != destination.Length * sizeof(float))
        {
            throw new ArgumentException($"{bytes.Length} bytes do not hold {destination.Length} float32 values", nameof(bytes));
        }

        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
            return;
        }

        for (var index = 0; index < destination.Length; index++)
        {
            destination[index] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(index * sizeof(float))..]);
        }
    }

    /// <summary>The values of <paramref name="bytes"/>.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of 4.</exception>
    public static float[] ToValues(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % sizeof(float) != 0)
        {
            throw new ArgumentException($"{bytes.Length} bytes are not a whole number of float32 values", nameof(bytes));
        }

        var values = new float[bytes.Length / sizeof(float)];
        CopyTo(bytes, values);
        return values;
    }

    /// <summary>Whether two embeddings hold the same values (the change tracker's comparison).</summary>
    public static bool AreEqual(float[]? left, float[]? right) =>
        left is null || right is null ? ReferenceEquals(left, right) : left.AsSpan().SequenceEqual(right);
}
