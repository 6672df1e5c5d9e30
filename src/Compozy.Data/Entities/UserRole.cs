using System.Text.Json.Serialization;

namespace Compozy.Data.Entities;

/// <summary>Role of a user. Stored as <c>admin</c> or <c>user</c>.</summary>
public enum UserRole
{
    /// <summary><c>user</c>: may use the API with its own keys.</summary>
    [JsonStringEnumMemberName("user")]
    User,

    /// <summary><c>admin</c>: may also manage users, keys and usage.</summary>
    [JsonStringEnumMemberName("admin")]
    Admin,
}
