using Compozy.Data.Entities;

namespace Compozy.Api.Responses;

/// <summary>A user as the API shows it.</summary>
public sealed record UserResponse(string Id, string Email, UserRole Role, DateTime CreatedAt, DateTime UpdatedAt)
{
    /// <summary>The response of a stored user.</summary>
    public static UserResponse From(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.Id, user.Email, user.Role, user.CreatedAt, user.UpdatedAt);
    }
}
