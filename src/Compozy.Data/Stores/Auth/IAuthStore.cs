using Compozy.Data.Entities;

namespace Compozy.Data.Stores.Auth;

/// <summary>
/// Users and their API keys (Compozy's auth repository). Emails compare without regard to case.
/// A missing row named by the caller raises <see cref="Errors.CompozyDataException"/> with
/// <see cref="Errors.DbErrorKind.NotFound"/>; a taken email
/// <see cref="Errors.DbErrorKind.UniqueConflict"/>.
/// </summary>
public interface IAuthStore
{
    /// <summary>Creates a user.</summary>
    /// <exception cref="ArgumentException">The email is not an address.</exception>
    Task<User> CreateUserAsync(string email, UserRole role, CancellationToken cancellationToken = default);

    /// <summary>The user with this id.</summary>
    Task<User> GetUserByIdAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The user with this email, in any case.</summary>
    Task<User> GetUserByEmailAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>Every user, newest first.</summary>
    Task<IReadOnlyList<User>> ListUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>Changes the fields that are set.</summary>
    Task<User> UpdateUserAsync(string id, string? email, UserRole? role, CancellationToken cancellationToken = default);

    /// <summary>Deletes a user and, with it, every key of the user.</summary>
    Task DeleteUserAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Creates a key for a user; its secret is in the result and nowhere else.</summary>
    Task<IssuedApiKey> CreateApiKeyAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>The key with this id.</summary>
    Task<ApiKey> GetApiKeyByIdAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The key whose SHA-256 fingerprint this is: one lookup in a unique index.</summary>
    Task<ApiKey> GetApiKeyByFingerprintAsync(byte[] fingerprint, CancellationToken cancellationToken = default);

    /// <summary>A user's keys, newest first.</summary>
    Task<IReadOnlyList<ApiKey>> ListApiKeysByUserIdAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key; requests presenting it fail from then on.</summary>
    Task DeleteApiKeyAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Records a use of a key now, in one write. Moves <c>last_used</c> forward only.</summary>
    Task UpdateApiKeyLastUsedAsync(string id, DateTime usedAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// The stored key and user matching a presented key, or <see langword="null"/> when the key is
    /// malformed, unknown or does not verify. A match is recorded as a use of the key without
    /// writing now: uses are batched (see <see cref="ApiKeyUseRecorder"/>), so authenticating a
    /// request costs one indexed read.
    /// </summary>
    Task<AuthenticatedKey?> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the first admin, with a key, unless an admin exists. Safe against concurrent
    /// callers in any number of processes: exactly one of them creates it.
    /// </summary>
    /// <exception cref="Errors.CompozyDataException"><see cref="Errors.DbErrorKind.Conflict"/> when an admin already exists.</exception>
    Task<IssuedApiKey> CreateInitialAdminIfNoneAsync(string email, CancellationToken cancellationToken = default);
}
