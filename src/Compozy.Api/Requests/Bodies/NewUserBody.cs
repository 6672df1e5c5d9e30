using System.ComponentModel.DataAnnotations;
using Compozy.Data.Entities;

namespace Compozy.Api.Requests.Bodies;

/// <summary>A user to create (<c>POST /users</c>).</summary>
/// <remarks>For the OpenAPI document only; the endpoint reads the body with <see cref="JsonRequest"/>.</remarks>
internal sealed class NewUserBody
{
    /// <summary>The user's email, unique whatever its case.</summary>
    [MaxLength(320)]
    public required string Email { get; init; }

    /// <summary>The user's role; <c>user</c> when left out.</summary>
    public UserRole? Role { get; init; }
}
