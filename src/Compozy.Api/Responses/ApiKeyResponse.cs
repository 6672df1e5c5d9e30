using Compozy.Data.Entities;

namespace Compozy.Api.Responses;

/// <summary>An API key as listings show it: never the key, only its first characters.</summary>
public sealed record ApiKeyResponse(string Id, string UserId, string Prefix, DateTime CreatedAt, DateTime? LastUsed)
{
    /// <summary>The response of a stored key.</summary>
    public static ApiKeyResponse From(ApiKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(key.Id, key.UserId, key.Prefix, key.CreatedAt, key.LastUsed);
    }
}
