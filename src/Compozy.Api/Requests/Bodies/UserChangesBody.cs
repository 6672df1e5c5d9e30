using System.ComponentModel.DataAnnotations;
using Compozy.Data.Entities;

namespace Compozy.Api.Requests.Bodies;

/// <summary>Changes to a user (<c>PATCH /users/{user_id}</c>); a field left out stays as it is.</summary>
/// <remarks>For the OpenAPI document only; the endpoint reads the body with <see cref="JsonRequest"/>.</remarks>
internal sealed class UserChangesBody
{
    /// <summary>The new email, unique whatever its case.</summary>
    [MaxLength(320)]
    public string? Email { get; init; }

    /// <summary>The new role.</summary>
    public UserRole? Role { get; init; }
}
