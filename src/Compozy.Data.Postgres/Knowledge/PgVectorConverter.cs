using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql.Internal;

namespace Compozy.Data.Postgres.Knowledge;

// Npgsql's converter API is marked experimental (NPG9001) in Npgsql 10, and it is the only public
// way to read and write an extension type in its binary form. The whole type builds on it, so the
// suppression covers the type and nothing else.
#pragma warning disable NPG9001

/// <summary>
/// <c>float[]</c> to and from pgvector's binary wire format: the dimension as a big-endian int16,
/// an int16 that must be 0, then each value as a big-endian float32 (pgvector's
/// <c>vector_send</c>/<c>vector_recv</c>). Values are checked before anything is sent, so NaN,
/// infinities and impossible lengths fail here with a message naming them.
/// </summary>
internal sealed class PgVectorConverter : PgStreamingConverter<float[]>
{
    private const int HeaderSize = 2 * sizeof(short);

    public override float[] Read(PgReader reader)
    {
        if (reader.ShouldBuffer(HeaderSize))
        {
            reader.Buffer(HeaderSize);
        }

        var values = ReadHeader(reader);
        if (TryDecodeBuffered(reader, values))
        {
            return values;
        }

        var byteCount = values.Length * sizeof(float);
        var bytes = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            reader.ReadBytes(bytes.AsSpan(0, byteCount));
            Decode(bytes.AsSpan(0, byteCount), values);
            return values;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    public override async ValueTask<float[]> ReadAsync(PgReader reader, CancellationToken cancellationToken = default)
    {
        if (reader.ShouldBuffer(HeaderSize))
        {
            await reader.BufferAsync(HeaderSize, cancellationToken).ConfigureAwait(false);
        }

        var values = ReadHeader(reader);
        if (TryDecodeBuffered(reader, values))
        {
            return values;
        }

        var byteCount = values.Length * sizeof(float);
        var bytes = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            await reader.ReadBytesAsync(bytes.AsMemory(0, byteCount), cancellationToken).ConfigureAwait(false);
            Decode(bytes.AsSpan(0, byteCount), values);
            return values;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    public override Size GetSize(SizeContext context, float[] value, ref object? writeState)
    {
        // Npgsql sizes every parameter before it sends the first byte of a command, so this is the
        // point where a bad value can still be refused without touching the connection.
        PgVectorValues.Check(value);
        return HeaderSize + (value.Length * sizeof(float));
    }

    public override void Write(PgWriter writer, float[] value)
    {
        if (writer.ShouldFlush(HeaderSize))
        {
            writer.Flush();
        }

        WriteHeader(writer, value);
        var byteCount = value.Length * sizeof(float);
        var bytes = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            Encode(value, bytes.AsSpan(0, byteCount));
            writer.WriteBytes(bytes.AsSpan(0, byteCount));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    public override async ValueTask WriteAsync(PgWriter writer, float[] value, CancellationToken cancellationToken = default)
    {
        if (writer.ShouldFlush(HeaderSize))
        {
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        WriteHeader(writer, value);
        var byteCount = value.Length * sizeof(float);
        var bytes = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            Encode(value, bytes.AsSpan(0, byteCount));
            await writer.WriteBytesAsync(bytes.AsMemory(0, byteCount), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Reads the dimension and the reserved field, and checks them against the value's length.</summary>
    private static float[] ReadHeader(PgReader reader)
    {
        int dimension = reader.ReadInt16();
        var unused = reader.ReadInt16();
        if (unused != 0 || dimension < 0 || reader.CurrentRemaining != dimension * sizeof(float))
        {
            throw new InvalidCastException(string.Create(
                CultureInfo.InvariantCulture,
                $"The server sent a vector that is not in pgvector's binary format (dimension {dimension}, reserved field {unused}, {reader.CurrentRemaining} bytes of values)."));
        }

        return new float[dimension];
    }

    /// <summary>Decodes straight from Npgsql's buffer when the whole value is already in it (the usual case).</summary>
    private static bool TryDecodeBuffered(PgReader reader, float[] values)
    {
        if (!reader.TryReadBytes(values.Length * sizeof(float), out ReadOnlySpan<byte> bytes))
        {
            return false;
        }

        Decode(bytes, values);
        return true;
    }

    private static void WriteHeader(PgWriter writer, float[] value)
    {
        writer.WriteInt16((short)value.Length);
        writer.WriteInt16(0);
    }

    private static void Decode(ReadOnlySpan<byte> bigEndian, Span<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(bigEndian), MemoryMarshal.Cast<float, int>(values));
        }
        else
        {
            bigEndian.CopyTo(MemoryMarshal.AsBytes(values));
        }
    }

    private static void Encode(ReadOnlySpan<float> values, Span<byte> bigEndian)
    {
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(values), MemoryMarshal.Cast<byte, int>(bigEndian));
        }
        else
        {
            MemoryMarshal.AsBytes(values).CopyTo(bigEndian);
        }
    }
}
