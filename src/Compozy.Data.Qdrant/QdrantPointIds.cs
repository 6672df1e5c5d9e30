using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Compozy.Data.Qdrant;

/// <summary>
/// Point ids for chunks. Qdrant only takes unsigned integers or UUIDs as ids, and chunk ids are
/// free text, so the id is derived: a UUID (RFC 9562 version 8, the version for hash-derived
/// ids) from the SHA-256 of the knowledge base and the chunk id. The same chunk always gets the
/// same point, so writing it again replaces it; two knowledge bases sharing a collection never
/// share a point.
/// </summary>
internal static class QdrantPointIds
{
    // Part of the hashed input so these ids cannot equal ids another scheme derives from the same strings.
    private const string Domain = "compozy.knowledge.chunk.v1";

    public static string For(string knowledgeBase, string chunkId)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(chunkId);

        // Length prefixes keep ("ab", "c") and ("a", "bc") apart.
        var domain = Encoding.UTF8.GetBytes(Domain);
        var kb = Encoding.UTF8.GetBytes(knowledgeBase);
        var chunk = Encoding.UTF8.GetBytes(chunkId);
        var input = new byte[domain.Length + 4 + kb.Length + 4 + chunk.Length];
        var span = input.AsSpan();
        domain.CopyTo(span);
        span = span[domain.Length..];
        BinaryPrimitives.WriteInt32BigEndian(span, kb.Length);
        kb.CopyTo(span[4..]);
        span = span[(4 + kb.Length)..];
        BinaryPrimitives.WriteInt32BigEndian(span, chunk.Length);
        chunk.CopyTo(span[4..]);

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // variant 10 (RFC 9562)
        return new Guid(bytes, bigEndian: true).ToString("D");
    }
}
