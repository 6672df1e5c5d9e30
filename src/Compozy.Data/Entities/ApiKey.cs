namespace Compozy.Data.Entities;

/// <summary>
/// An API key (<c>api_keys</c>). The key itself is never stored: only a slow hash for
/// verification, a display prefix, and a SHA-256 fingerprint for lookup.
/// </summary>
public sealed class ApiKey
{
    /// <summary>Key id (primary key).</summary>
    public required string Id { get; set; }

    /// <summary>Owner; deleting the user deletes the key.</summary>
    public required string UserId { get; set; }

    /// <summary>Password-style hash of the key.</summary>
    public required byte[] Hash { get; set; }

    /// <summary>Unique, non-secret prefix shown to users to tell keys apart.</summary>
    public required string Prefix { get; set; }

    /// <summary>Unique SHA-256 of the key, used to find it.</summary>
    public required byte[] Fingerprint { get; set; }

    /// <summary>Creation time, UTC.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>Last time the key authenticated a request, UTC.</summary>
    public DateTime? LastUsed { get; set; }

    /// <summary>Owner.</summary>
    public User? User { get; set; }
}
