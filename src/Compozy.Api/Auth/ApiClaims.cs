namespace Compozy.Api.Auth;

/// <summary>Claim types of an authenticated API key, and the names of the API's scheme and policies.</summary>
public static class ApiClaims
{
    /// <summary>The authentication scheme.</summary>
    public const string Scheme = "ApiKey";

    /// <summary>The id of the API key the request presented.</summary>
    public const string KeyId = "compozy:key_id";

    /// <summary>The policy of endpoints only admins may use.</summary>
    public const string AdminPolicy = "admin";
}
