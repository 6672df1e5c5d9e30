using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Persistence;
using Compozy.Data.Stores.Auth;
using Compozy.Data.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Stores;

public sealed class AuthStoreTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    [Theory, DatabaseData]
    public async Task Emails_are_unique_and_found_in_any_case(DatabaseKind database)
    {
        var auth = await AuthAsync(database);
        var email = $"Ada.{Guid.NewGuid():N}@Example.com";
        var user = await auth.CreateUserAsync(email, UserRole.User);

        (await auth.GetUserByEmailAsync(email.ToUpperInvariant())).Id.ShouldBe(user.Id);
        var duplicate = await Should.ThrowAsync<CompozyDataException>(() => auth.CreateUserAsync(email.ToLowerInvariant(), UserRole.Admin));
        duplicate.Kind.ShouldBe(DbErrorKind.UniqueConflict);
        await Should.ThrowAsync<ArgumentException>(() => auth.CreateUserAsync("not an email", UserRole.User));
        (await Should.ThrowAsync<CompozyDataException>(() => auth.GetUserByEmailAsync("nobody@example.com"))).Kind.ShouldBe(DbErrorKind.NotFound);

        var updated = await auth.UpdateUserAsync(user.Id, email: null, role: UserRole.Admin);
        updated.Role.ShouldBe(UserRole.Admin);
        updated.Email.ShouldBe(email);
        (await auth.ListUsersAsync()).Select(listed => listed.Id).ShouldContain(user.Id);
    }

    [Theory, DatabaseData]
    public async Task A_key_authenticates_by_fingerprint_and_stops_when_deleted(DatabaseKind database)
    {
        var auth = await AuthAsync(database);
        var user = await auth.CreateUserAsync($"key.{Guid.NewGuid():N}@example.com", UserRole.User);
        var issued = await auth.CreateApiKeyAsync(user.Id);

        issued.Secret.ShouldStartWith(ApiKeySecret.Scheme);
        issued.Key.Prefix.ShouldBe(issued.Secret[..12]);
        issued.Key.Hash.ShouldNotBe(ApiKeySecret.FingerprintOf(issued.Secret));
        (await auth.GetApiKeyByFingerprintAsync(ApiKeySecret.FingerprintOf(issued.Secret))).Id.ShouldBe(issued.Key.Id);

        var authenticated = await auth.AuthenticateAsync(issued.Secret);
        authenticated.ShouldNotBeNull();
        authenticated.User.Id.ShouldBe(user.Id);

        var tampered = issued.Secret[..^1] + (issued.Secret[^1] == 'A' ? 'B' : 'A');
        (await auth.AuthenticateAsync(tampered)).ShouldBeNull();
        (await auth.AuthenticateAsync("Bearer nonsense")).ShouldBeNull();
        (await auth.AuthenticateAsync(string.Empty)).ShouldBeNull();

        (await auth.ListApiKeysByUserIdAsync(user.Id)).Select(key => key.Id).ShouldBe([issued.Key.Id]);
        await auth.DeleteApiKeyAsync(issued.Key.Id);
        (await auth.AuthenticateAsync(issued.Secret)).ShouldBeNull();
        (await Should.ThrowAsync<CompozyDataException>(() => auth.DeleteApiKeyAsync(issued.Key.Id))).Kind.ShouldBe(DbErrorKind.NotFound);
    }

    [Theory, DatabaseData]
    public async Task Deleting_a_user_deletes_its_keys(DatabaseKind database)
    {
        var auth = await AuthAsync(database);
        var user = await auth.CreateUserAsync($"gone.{Guid.NewGuid():N}@example.com", UserRole.User);
        var issued = await auth.CreateApiKeyAsync(user.Id);

        await auth.DeleteUserAsync(user.Id);

        (await auth.AuthenticateAsync(issued.Secret)).ShouldBeNull();
        (await Should.ThrowAsync<CompozyDataException>(() => auth.GetApiKeyByIdAsync(issued.Key.Id))).Kind.ShouldBe(DbErrorKind.NotFound);
        (await Should.ThrowAsync<CompozyDataException>(() => auth.CreateApiKeyAsync(user.Id))).Kind.ShouldBe(DbErrorKind.NotFound);
    }

    [Theory, DatabaseData]
    public async Task Uses_of_a_key_are_written_in_batches_and_only_move_last_used_forward(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var auth = db.Services.GetRequiredService<IAuthStore>();
        var recorder = db.Services.GetRequiredService<ApiKeyUseRecorder>();
        var user = await auth.CreateUserAsync($"use.{Guid.NewGuid():N}@example.com", UserRole.User);
        var issued = await auth.CreateApiKeyAsync(user.Id);

        for (var request = 0; request < 20; request++)
        {
            (await auth.AuthenticateAsync(issued.Secret)).ShouldNotBeNull();
        }

        (await auth.GetApiKeyByIdAsync(issued.Key.Id)).LastUsed.ShouldBeNull("authenticating does not write");
        recorder.PendingCount.ShouldBeGreaterThanOrEqualTo(1);
        await recorder.FlushAsync(CancellationToken.None);
        var used = (await auth.GetApiKeyByIdAsync(issued.Key.Id)).LastUsed;
        used.ShouldNotBeNull();

        // A use recorded within the resolution of the stored time is not recorded again.
        (await auth.AuthenticateAsync(issued.Secret)).ShouldNotBeNull();
        await recorder.FlushAsync(CancellationToken.None);
        (await auth.GetApiKeyByIdAsync(issued.Key.Id)).LastUsed.ShouldBe(used);

        await auth.UpdateApiKeyLastUsedAsync(issued.Key.Id, used.Value.AddHours(-1));
        (await auth.GetApiKeyByIdAsync(issued.Key.Id)).LastUsed.ShouldBe(used, "an older time does not move last_used back");
        await auth.UpdateApiKeyLastUsedAsync(issued.Key.Id, used.Value.AddHours(1));
        (await auth.GetApiKeyByIdAsync(issued.Key.Id)).LastUsed.ShouldBe(used.Value.AddHours(1));
        (await Should.ThrowAsync<CompozyDataException>(() => auth.UpdateApiKeyLastUsedAsync("no-such-key", DateTime.UtcNow))).Kind.ShouldBe(DbErrorKind.NotFound);
    }

    [Theory, DatabaseData]
    public async Task Of_many_concurrent_bootstraps_exactly_one_creates_the_admin(DatabaseKind database)
    {
        await using var db = await (await TestDatabase.CreateAsync(database, "bootstrap")).MigrateAsync();
        var auth = db.Services.GetRequiredService<IAuthStore>();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(index => Task.Run(async () =>
        {
            try
            {
                return (Issued: await auth.CreateInitialAdminIfNoneAsync($"admin{index}@example.com"), Error: (CompozyDataException?)null);
            }
            catch (CompozyDataException exception)
            {
                return (Issued: (IssuedApiKey?)null, Error: exception);
            }
        })));

        var winners = attempts.Where(attempt => attempt.Issued is not null).ToList();
        winners.Count.ShouldBe(1);
        attempts.Where(attempt => attempt.Error is not null).ShouldAllBe(attempt => attempt.Error!.Kind == DbErrorKind.Conflict);
        winners[0].Issued!.User.Role.ShouldBe(UserRole.Admin);
        (await auth.AuthenticateAsync(winners[0].Issued!.Secret))!.User.Role.ShouldBe(UserRole.Admin);

        await using var read = await db.Contexts.CreateDbContextAsync();
        (await read.Users.CountAsync()).ShouldBe(1);
        (await read.ApiKeys.CountAsync()).ShouldBe(1);
        var again = await Should.ThrowAsync<CompozyDataException>(() => auth.CreateInitialAdminIfNoneAsync("late@example.com"));
        again.Message.ShouldContain("already bootstrapped");
    }

    private async Task<IAuthStore> AuthAsync(DatabaseKind database) =>
        (await fixture.GetAsync(database)).Services.GetRequiredService<IAuthStore>();
}
