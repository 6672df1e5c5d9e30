using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Compozy.Data.Stores.Auth;

/// <summary>
/// Makes and checks API keys: <c>cpzy_</c> followed by 32 random bytes in base64url. The database
/// keeps a salted SHA-256 hash and an unsalted SHA-256 fingerprint (the lookup key), never the key.
/// </summary>
/// <remarks>
/// A key carries 256 random bits, so neither a guess nor a precomputed table can find one from its
/// hash: a deliberately slow hash (bcrypt, PBKDF2), which protects low-entropy passwords, would
/// only slow every request down.
/// </remarks>
public static class ApiKeySecret
{
    /// <summary>How every key starts.</summary>
    public const string Scheme = "cpzy_";

    private const int RandomBytes = 32;
    private const int SaltBytes = 16;
    private const int PrefixLength = 12;

    /// <summary>A new random key.</summary>
    public static string Generate() => Scheme + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>The first characters of a key: enough to tell keys apart in a listing, far too few to use.</summary>
    public static string PrefixOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length <= PrefixLength ? key : key[..PrefixLength];
    }

    /// <summary>Whether <paramref name="key"/> has the shape of a key this code makes (not whether it exists).</summary>
    public static bool IsWellFormed(string? key) =>
        key is not null
        && key.StartsWith(Scheme, StringComparison.Ordinal)
        && key.Length == Scheme.Length + Base64Url.GetEncodedLength(RandomBytes)
        && Base64Url.IsValid(key.AsSpan(Scheme.Length));

    /// <summary>SHA-256 of the key: the unique, indexed lookup key.</summary>
    public static byte[] FingerprintOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>A random salt followed by SHA-256 of salt and key.</summary>
    public static byte[] HashOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return [.. salt, .. Digest(salt, key)];
    }

    /// <summary>Whether <paramref name="hash"/> was made by <see cref="HashOf"/> from <paramref name="key"/>, in constant time.</summary>
    public static bool Verify(string key, byte[] hash)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(hash);
        return hash.Length == SaltBytes + SHA256.HashSizeInBytes
            && CryptographicOperations.FixedTimeEquals(Digest(hash.AsSpan(0, SaltBytes), key), hash.AsSpan(SaltBytes));
    }

    private static byte[] Digest(ReadOnlySpan<byte> salt, string key) => SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(key)]);
}
