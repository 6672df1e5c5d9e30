using Compozy.Data.Audit;
using Compozy.Data.Entities;
using Compozy.Data.Health;
using Compozy.Data.Stores.Auth;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Compozy.Data.IntegrationTests.Audit;

/// <summary>
/// The outage both databases go through: admin actions before, during and after the database is
/// taken away, then every entry found in <c>audit_events</c> exactly once, in order, with its outcome.
/// </summary>
internal static class AuditOutageScenario
{
    private const string Admin = "user:admin (admin@example.com)";

    public static async Task RunAsync(IServiceProvider services, string fallbackPath, Func<Task> takeAway, Func<Task> bringBack)
    {
        var audit = services.GetRequiredService<IAuditLog>();
        var auth = services.GetRequiredService<IAuthStore>();
        var admin = await audit.RunAsync(Admin, AuditActions.UserCreated, null, token => auth.CreateUserAsync("admin@example.com", UserRole.Admin, token), user => new AuditDescription(user.Id));
        var key = await audit.RunAsync(Admin, AuditActions.ApiKeyCreated, admin.Id, token => auth.CreateApiKeyAsync(admin.Id, token), issued => new AuditDescription(issued.Key.Id));
        File.Exists(fallbackPath).ShouldBeFalse("the database took the entries before the outage");

        await takeAway();
        try
        {
            // Each action fails on the database, and its entry goes to the fallback file instead.
            await Should.ThrowAsync<Exception>(() => audit.RunAsync(Admin, AuditActions.UserCreated, null, token => auth.CreateUserAsync("during@example.com", UserRole.User, token)));
            await Should.ThrowAsync<Exception>(() => audit.RunAsync(Admin, AuditActions.ApiKeyCreated, admin.Id, token => auth.CreateApiKeyAsync(admin.Id, token)));
            await Should.ThrowAsync<Exception>(() => audit.RunAsync(Admin, AuditActions.ApiKeyDeleted, key.Key.Id, async token =>
            {
                await auth.DeleteApiKeyAsync(key.Key.Id, token);
                return true;
            }));

            // An action that does not need the database (a backup to another disk) succeeds; its entry is kept too.
            await audit.RecordAsync(new AuditEntry(AuditActors.System, AuditActions.DatabaseBackup, "/backups/b1.db", AuditOutcome.Succeeded));

            File.ReadAllLines(fallbackPath).Length.ShouldBe(4, "every entry of the outage is in the fallback file");
            audit.PendingFallbackEntries().ShouldBe(4);
            (await Should.ThrowAsync<Exception>(() => audit.ReplayAsync())).ShouldNotBeNull("the database is still away");
            File.ReadAllLines(fallbackPath + ".replaying").Length.ShouldBe(4, "a replay that fails keeps every entry");
        }
        finally
        {
            await bringBack();
        }

        // The outage opened the database circuit; its probe closes it once the database answers,
        // as it does in a running host, and only then do writes go through again.
        var probe = services.GetServices<IHostedService>().OfType<DatabaseCircuitProbe>().Single();
        await probe.StartAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(() => !services.GetRequiredService<DatabaseCircuit>().IsOpen, "the circuit closing after the outage", TimeSpan.FromMinutes(2));
        }
        finally
        {
            await probe.StopAsync(CancellationToken.None);
        }

        (await audit.ReplayAsync()).ShouldBe(4);
        (await audit.ReplayAsync()).ShouldBe(0, "a second replay inserts nothing");
        audit.PendingFallbackEntries().ShouldBe(0);
        await audit.RunAsync(Admin, AuditActions.UserDeleted, admin.Id, async token =>
        {
            await auth.DeleteUserAsync(admin.Id, token);
            return true;
        });

        var all = await AuditLogTests.ListAllAsync(audit, new AuditEventFilter(), limit: 3);
        all.Select(e => (e.Action, e.Outcome)).ShouldBe(
        [
            (AuditActions.UserCreated, AuditOutcome.Succeeded),
            (AuditActions.ApiKeyCreated, AuditOutcome.Succeeded),
            (AuditActions.UserCreated, AuditOutcome.Failed),
            (AuditActions.ApiKeyCreated, AuditOutcome.Failed),
            (AuditActions.ApiKeyDeleted, AuditOutcome.Failed),
            (AuditActions.DatabaseBackup, AuditOutcome.Succeeded),
            (AuditActions.UserDeleted, AuditOutcome.Succeeded),
        ]);
        all.Select(e => e.Id).Distinct().Count().ShouldBe(all.Count, "each entry once");
        all.Where(e => e.Outcome == AuditOutcome.Failed).ShouldAllBe(e => !string.IsNullOrEmpty(e.Reason));
        all[4].Target.ShouldBe(key.Key.Id);
        all[1].Target.ShouldBe(key.Key.Id);
        all.ShouldAllBe(e => e.Details == null || !e.Details.Value.GetRawText().Contains(key.Secret, StringComparison.Ordinal));
    }
}
