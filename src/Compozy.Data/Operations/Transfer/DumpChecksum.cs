using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Compozy.Data.Operations.Transfer;

/// <summary>
/// A table's checksum: the sum, modulo 2^256, of the SHA-256 of each row's canonical encoding
/// read as a big-endian number. A sum does not depend on the order of the rows, which each
/// database returns in its own (text keys sort differently under PostgreSQL's collation than under
/// SQLite's), so the target can be checked against the dump without sorting either.
/// </summary>
internal sealed class DumpChecksum
{
    private readonly ulong[] _sum = new ulong[4];

    /// <summary>Rows added.</summary>
    public long Rows { get; private set; }

    /// <summary>Adds a row's canonical encoding.</summary>
    public void Add(ReadOnlySpan<byte> canonicalRow)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(canonicalRow, hash);
        ulong carry = 0;
        for (var word = 3; word >= 0; word--)
        {
            var addend = BinaryPrimitives.ReadUInt64BigEndian(hash.Slice(word * 8, 8));
            var partial = _sum[word] + addend;
            var carried = partial + carry;
            carry = (partial < addend || carried < partial) ? 1UL : 0UL;
            _sum[word] = carried;
        }

        Rows++;
    }

    /// <summary>The checksum as 64 lowercase hex digits.</summary>
    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[32];
        for (var word = 0; word < 4; word++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes.Slice(word * 8, 8), _sum[word]);
        }

        return Convert.ToHexStringLower(bytes);
    }
}
