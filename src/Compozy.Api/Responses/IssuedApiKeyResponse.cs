using Compozy.Data.Stores.Auth;

namespace Compozy.Api.Responses;

/// <summary>A key just created, with <see cref="Key"/> itself: shown in this answer only.</summary>
public sealed record IssuedApiKeyResponse(string Id, string UserId, string Prefix, DateTime CreatedAt, string Key)
{
    /// <summary>The response of a key just issued.</summary>
    public static IssuedApiKeyResponse From(IssuedApiKey issued)
    {
        ArgumentNullException.ThrowIfNull(issued);
        return new(issued.Key.Id, issued.Key.UserId, issued.Key.Prefix, issued.Key.CreatedAt, issued.Secret);
    }
}
