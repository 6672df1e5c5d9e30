using Compozy.Data.Entities;

namespace Compozy.Data.Stores.Auth;

/// <summary>A key just created: <see cref="Secret"/> exists nowhere else and cannot be shown again.</summary>
/// <param name="Key">The stored key (hash, fingerprint, prefix).</param>
/// <param name="User">Its owner.</param>
/// <param name="Secret">The key itself, for the caller to hand over once.</param>
public sealed record IssuedApiKey(ApiKey Key, User User, string Secret);
