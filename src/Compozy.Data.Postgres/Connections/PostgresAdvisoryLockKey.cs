using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Compozy.Data.Postgres.Connections;

/// <summary>
/// The one derivation of PostgreSQL advisory-lock keys from names: the first 8 bytes of the
/// name's SHA-256, read big-endian. Every host derives the same key for the same name, and
/// different names collide with negligible probability, so the lock space needs no registry.
/// </summary>
internal static class PostgresAdvisoryLockKey
{
    /// <summary>The key of <paramref name="scope"/>, a name that says what the lock guards.</summary>
    public static long For(string scope) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(scope)));
}
