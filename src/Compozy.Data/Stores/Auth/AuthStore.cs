using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Persistence;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.Stores.Auth;

/// <inheritdoc cref="IAuthStore"/>
internal sealed class AuthStore(
    StoreReads reads,
    StoreWrites writes,
    IStoreDialect dialect,
    ApiKeyUseRecorder uses,
    TimeProvider clock) : IAuthStore
{
    public Task<User> CreateUserAsync(string email, UserRole role, CancellationToken cancellationToken = default)
    {
        var normalized = ValidEmail(email);
        return WriteAsync("create user", (context, _) => Task.FromResult(AddUser(context, normalized, role)), cancellationToken);
    }

    public Task<User> GetUserByIdAsync(string id, CancellationToken cancellationToken = default) =>
        ReadAsync(
            "get user",
            async (context, token) => await context.Users.AsNoTracking().SingleOrDefaultAsync(user => user.Id == id, token).ConfigureAwait(false)
                ?? throw CompozyDataException.NotFound("user", id),
            cancellationToken);

    public Task<User> GetUserByEmailAsync(string email, CancellationToken cancellationToken = default) =>
        ReadAsync(
            "get user by email",
            async (context, token) => await context.Users.AsNoTracking().SingleOrDefaultAsync(user => user.Email == email.Trim(), token).ConfigureAwait(false)
                ?? throw CompozyDataException.NotFound("user with email", email),
            cancellationToken);

    public Task<IReadOnlyList<User>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<User>>(
            "list users",
            async (context, token) => await context.Users.AsNoTracking()
                .OrderByDescending(user => user.CreatedAt)
                .ThenByDescending(user => user.Id)
                .ToListAsync(token)
                .ConfigureAwait(false),
            cancellationToken);

    public Task<User> UpdateUserAsync(string id, string? email, UserRole? role, CancellationToken cancellationToken = default)
    {
        var normalized = email is null ? null : ValidEmail(email);
        return WriteAsync(
            "update user",
            async (context, token) =>
            {
                var user = await context.Users.SingleOrDefaultAsync(candidate => candidate.Id == id, token).ConfigureAwait(false)
                    ?? throw CompozyDataException.NotFound("user", id);
                user.Email = normalized ?? user.Email;
                user.Role = role ?? user.Role;
                user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
                return user;
            },
            cancellationToken);
    }

    public Task DeleteUserAsync(string id, CancellationToken cancellationToken = default) =>
        WriteAsync(
            "delete user",
            async (context, token) => await context.Users.Where(user => user.Id == id).ExecuteDeleteAsync(token).ConfigureAwait(false) == 0
                ? throw CompozyDataException.NotFound("user", id)
                : true,
            cancellationToken);

    public Task<IssuedApiKey> CreateApiKeyAsync(string userId, CancellationToken cancellationToken = default) =>
        WriteAsync(
            "create API key",
            async (context, token) =>
            {
                var user = await context.Users.AsNoTracking().SingleOrDefaultAsync(candidate => candidate.Id == userId, token).ConfigureAwait(false)
                    ?? throw CompozyDataException.NotFound("user", userId);
                return AddKey(context, user);
            },
            cancellationToken);

    public Task<ApiKey> GetApiKeyByIdAsync(string id, CancellationToken cancellationToken = default) =>
        ReadAsync(
            "get API key",
            async (context, token) => await context.ApiKeys.AsNoTracking().SingleOrDefaultAsync(key => key.Id == id, token).ConfigureAwait(false)
                ?? throw CompozyDataException.NotFound("API key", id),
            cancellationToken);

    public Task<ApiKey> GetApiKeyByFingerprintAsync(byte[] fingerprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        return ReadAsync(
            "get API key by fingerprint",
            async (context, token) => await context.ApiKeys.AsNoTracking().SingleOrDefaultAsync(key => key.Fingerprint == fingerprint, token).ConfigureAwait(false)
                ?? throw CompozyDataException.NotFound("API key with fingerprint", Convert.ToHexStringLower(fingerprint)),
            cancellationToken);
    }

    public Task<IReadOnlyList<ApiKey>> ListApiKeysByUserIdAsync(string userId, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<ApiKey>>(
            "list API keys",
            async (context, token) => await context.ApiKeys.AsNoTracking()
                .Where(key => key.UserId == userId)
                .OrderByDescending(key => key.CreatedAt)
                .ThenByDescending(key => key.Id)
                .ToListAsync(token)
                .ConfigureAwait(false),
            cancellationToken);

    public Task DeleteApiKeyAsync(string id, CancellationToken cancellationToken = default) =>
        WriteAsync(
            "delete API key",
            async (context, token) => await context.ApiKeys.Where(key => key.Id == id).ExecuteDeleteAsync(token).ConfigureAwait(false) == 0
                ? throw CompozyDataException.NotFound("API key", id)
                : true,
            cancellationToken);

    public Task UpdateApiKeyLastUsedAsync(string id, DateTime usedAt, CancellationToken cancellationToken = default) =>
        WriteAsync(
            "update API key last use",
            async (context, token) =>
            {
                var exists = await context.ApiKeys.AnyAsync(key => key.Id == id, token).ConfigureAwait(false);
                if (!exists)
                {
                    throw CompozyDataException.NotFound("API key", id);
                }

                return await context.ApiKeys.Where(key => key.Id == id && (key.LastUsed == null || key.LastUsed < usedAt))
                    .ExecuteUpdateAsync(set => set.SetProperty(key => key.LastUsed, usedAt), token)
                    .ConfigureAwait(false);
            },
            cancellationToken);

    public Task<AuthenticatedKey?> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken = default)
    {
        if (!ApiKeySecret.IsWellFormed(presentedKey))
        {
            return Task.FromResult<AuthenticatedKey?>(null);
        }

        var fingerprint = ApiKeySecret.FingerprintOf(presentedKey);
        return ReadAsync(
            "authenticate API key",
            async (context, token) =>
            {
                var key = await context.ApiKeys.AsNoTracking()
                    .Include(candidate => candidate.User)
                    .SingleOrDefaultAsync(candidate => candidate.Fingerprint == fingerprint, token)
                    .ConfigureAwait(false);
                if (key?.User is not { } user || !ApiKeySecret.Verify(presentedKey, key.Hash))
                {
                    return null;
                }

                uses.Record(key);
                return new AuthenticatedKey(key, user);
            },
            cancellationToken);
    }

    public Task<IssuedApiKey> CreateInitialAdminIfNoneAsync(string email, CancellationToken cancellationToken = default)
    {
        var normalized = ValidEmail(email);
        return WriteAsync(
            "bootstrap the first admin",
            async (context, token) =>
            {
                // Two callers could both see no admin and both insert one; serialising the check
                // with the insert leaves exactly one of them to do it.
                await dialect.SerializeAsync(context, "compozy.bootstrap-admin", token).ConfigureAwait(false);
                if (await context.Users.AnyAsync(user => user.Role == UserRole.Admin, token).ConfigureAwait(false))
                {
                    throw CompozyDataException.Conflict("an admin already exists: the system is already bootstrapped; create further users and keys with an admin key");
                }

                return AddKey(context, AddUser(context, normalized, UserRole.Admin));
            },
            cancellationToken);
    }

    private static string ValidEmail(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return EmailAddress.TryNormalize(email, out var normalized)
            ? normalized
            : throw new ArgumentException($"\"{email}\" is not an email address ({EmailAddress.Rule})", nameof(email));
    }

    private User AddUser(CompozyDbContext context, string email, UserRole role)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var user = new User { Id = NewId(), Email = email, Role = role, CreatedAt = now, UpdatedAt = now };
        context.Users.Add(user);
        return user;
    }

    private IssuedApiKey AddKey(CompozyDbContext context, User user)
    {
        var secret = ApiKeySecret.Generate();
        var key = new ApiKey
        {
            Id = NewId(),
            UserId = user.Id,
            Hash = ApiKeySecret.HashOf(secret),
            Prefix = ApiKeySecret.PrefixOf(secret),
            Fingerprint = ApiKeySecret.FingerprintOf(secret),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        context.ApiKeys.Add(key);
        return new IssuedApiKey(key, user, secret);
    }

    // Time-ordered, so that ids sort roughly by creation like Compozy's KSUIDs.
    private static string NewId() => Guid.CreateVersion7().ToString("N");

    private Task<T> ReadAsync<T>(string operation, Func<CompozyDbContext, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        reads.RunAsync(operation, read, cancellationToken);

    private Task<T> WriteAsync<T>(string operation, Func<CompozyDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        writes.RunAsync(operation, work, cancellationToken);
}
