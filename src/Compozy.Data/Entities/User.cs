namespace Compozy.Data.Entities;

/// <summary>
/// A user (<c>users</c>). Emails are unique regardless of case: <c>A@x.io</c> and <c>a@x.io</c>
/// cannot both exist, and a lookup by either finds the same user.
/// </summary>
public sealed class User
{
    /// <summary>User id (primary key).</summary>
    public required string Id { get; set; }

    /// <summary>Email address, stored as given, compared case-insensitively.</summary>
    public required string Email { get; set; }

    /// <summary>Role.</summary>
    public UserRole Role { get; set; }

    /// <summary>Creation time, UTC.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>Last update time, UTC.</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>API keys of this user; deleted with it.</summary>
    public ICollection<ApiKey> ApiKeys { get; } = new List<ApiKey>();
}
