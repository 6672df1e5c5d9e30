using Compozy.Data.Entities;

namespace Compozy.Data.Stores.Auth;

/// <summary>A presented key that matched a stored one, and its owner.</summary>
public sealed record AuthenticatedKey(ApiKey Key, User User);
