using Compozy.Data.Audit;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Stores;
using Compozy.Data.Stores.Auth;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Audit;

/// <summary>The audit log on both databases: recording, listing, the fallback file and its replay.</summary>
public sealed class AuditLogTests
{
    [Theory, DatabaseData]
    public async Task Actions_are_recorded_with_their_outcome_and_listed_by_filter_in_keyset_pages(DatabaseKind kind)
    {
        await using var database = await (await TestDatabase.CreateAsync(kind, "audit_list", AuditSettings())).MigrateAsync();
        var audit = database.Services.GetRequiredService<IAuditLog>();
        var auth = database.Services.GetRequiredService<IAuthStore>();
        const string Admin = "user:admin (admin@example.com)";

        var created = await audit.RunAsync(
            Admin, AuditActions.UserCreated, null, token => auth.CreateUserAsync("ada@example.com", UserRole.User, token),
            user => new AuditDescription(user.Id, new Dictionary<string, string> { ["email"] = user.Email, ["role"] = "user" }));
        await Should.ThrowAsync<CompozyDataException>(() => audit.RunAsync(
            Admin, AuditActions.UserCreated, null, token => auth.CreateUserAsync("ada@example.com", UserRole.User, token)));
        await Should.ThrowAsync<CompozyDataException>(() => audit.RunAsync(
            "cli:root", AuditActions.ApiKeyDeleted, "no-such-key", async token =>
            {
                await auth.DeleteApiKeyAsync("no-such-key", token);
                return true;
            }));
        for (var index = 0; index < 5; index++)
        {
            await audit.RecordAsync(new AuditEntry(AuditActors.System, AuditActions.DatabasePrune, null, AuditOutcome.Succeeded));
        }

        var all = await ListAllAsync(audit, new AuditEventFilter(), limit: 3);
        all.Select(e => (e.Action, e.Outcome)).ShouldBe(
        [
            (AuditActions.UserCreated, AuditOutcome.Succeeded), (AuditActions.UserCreated, AuditOutcome.Refused),
            (AuditActions.ApiKeyDeleted, AuditOutcome.Refused), .. Enumerable.Repeat((AuditActions.DatabasePrune, AuditOutcome.Succeeded), 5),
        ]);
        all.Select(e => e.Id).Distinct().Count().ShouldBe(8);
        all[0].Target.ShouldBe(created.Id);
        all[0].Details!.Value.GetProperty("email").GetString().ShouldBe("ada@example.com");
        all[1].Reason!.ShouldContain("already exists");
        all[2].Reason.ShouldBe("API key 'no-such-key' not found");
        all[2].Actor.ShouldBe("cli:root");

        (await ListAllAsync(audit, new AuditEventFilter { Action = AuditActions.UserCreated }, limit: 1)).Count.ShouldBe(2);
        (await ListAllAsync(audit, new AuditEventFilter { Actor = "cli:root" }, limit: 10)).ShouldHaveSingleItem().Action.ShouldBe(AuditActions.ApiKeyDeleted);
        (await ListAllAsync(audit, new AuditEventFilter { Outcome = AuditOutcome.Refused }, limit: 10)).Count.ShouldBe(2);
        (await ListAllAsync(audit, new AuditEventFilter { Since = all[3].OccurredAt }, limit: 10)).Count.ShouldBe(5);
        (await ListAllAsync(audit, new AuditEventFilter { Until = all[0].OccurredAt }, limit: 10)).ShouldBeEmpty();
        await Should.ThrowAsync<ArgumentException>(() => audit.ListAsync(new AuditEventFilter(), new PageRequest { After = "not-a-cursor" }));
        audit.PendingFallbackEntries().ShouldBe(0);
        File.Exists(FallbackPath(database)).ShouldBeFalse("nothing went to the fallback file while the database took every entry");
    }

    [Theory, DatabaseData]
    public async Task Entries_the_database_refuses_go_to_a_private_fallback_file_and_are_replayed_exactly_once(DatabaseKind kind)
    {
        // Not migrated yet: audit_events does not exist, so the database refuses every entry.
        await using var database = await TestDatabase.CreateAsync(kind, "audit_replay", AuditSettings());
        var audit = database.Services.GetRequiredService<IAuditLog>();
        var path = FallbackPath(database);

        var recorded = new List<AuditEvent>();
        foreach (var action in new[] { AuditActions.MigrationApplied, AuditActions.DatabaseBackup, AuditActions.UserDeleted })
        {
            var kept = await audit.RecordAsync(new AuditEntry("cli:root", action, "t", AuditOutcome.Failed, "the database is away"));
            kept.InFallback.ShouldBeTrue();
            recorded.Add(kept.Event);
        }

        File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.ReadAllLines(path).Length.ShouldBe(3);
        audit.PendingFallbackEntries().ShouldBe(3);
        var content = File.ReadAllText(path);

        await database.MigrateAsync();
        (await audit.ReplayAsync()).ShouldBe(3);
        File.Exists(path).ShouldBeFalse();
        File.Exists(path + ".replaying").ShouldBeFalse();
        audit.PendingFallbackEntries().ShouldBe(0);

        // The same file again, as a copy restored by hand, adds nothing.
        File.WriteAllText(path, content);
        (await audit.ReplayAsync()).ShouldBe(0);

        // A replay that inserted everything and stopped before removing its file: the next one
        // finishes it without inserting twice, and takes what was appended meanwhile.
        File.WriteAllText(path + ".replaying", content);
        var later = await audit.RecordAsync(new AuditEntry("cli:root", AuditActions.DatabaseRestore, null, AuditOutcome.Succeeded));
        later.InFallback.ShouldBeFalse("the database answers again, so the entry was written directly");
        File.AppendAllText(path, AuditFallbackFile.Serialize(new AuditEvent
        {
            Id = Guid.CreateVersion7().ToString("N"), OccurredAt = DateTime.UtcNow, Actor = "cli:root", Action = AuditActions.DatabaseImport, Outcome = AuditOutcome.Succeeded,
        }) + "\n");
        (await audit.ReplayAsync()).ShouldBe(1);
        File.Exists(path + ".replaying").ShouldBeFalse();
        File.Exists(path).ShouldBeFalse();

        var all = await ListAllAsync(audit, new AuditEventFilter(), limit: 100);
        all.Select(e => e.Action).ShouldBe([AuditActions.MigrationApplied, AuditActions.DatabaseBackup, AuditActions.UserDeleted, AuditActions.DatabaseRestore, AuditActions.DatabaseImport]);
        all.Take(3).Select(e => e.Id).ShouldBe(recorded.Select(e => e.Id));
        all.Take(3).Select(e => e.OccurredAt).ShouldBe(recorded.Select(e => e.OccurredAt));
        all.Take(3).ShouldAllBe(e => e.Outcome == AuditOutcome.Failed && e.Reason == "the database is away");
        all[3].Id.ShouldBe(later.Event.Id);
    }

    internal static Dictionary<string, string?> AuditSettings(string? fallbackDirectory = null) => new()
    {
        ["database:audit:fallback_path"] = Path.Combine(fallbackDirectory ?? Path.Combine(Path.GetTempPath(), $"compozy-audit-{Guid.NewGuid():N}"), "audit-fallback.jsonl"),
        ["database:audit:retry_delay"] = "1ms",
    };

    internal static async Task<List<AuditEvent>> ListAllAsync(IAuditLog audit, AuditEventFilter filter, int limit)
    {
        var all = new List<AuditEvent>();
        string? after = null;
        do
        {
            var page = await audit.ListAsync(filter, new PageRequest { Limit = limit, After = after });
            page.Items.Count.ShouldBeLessThanOrEqualTo(limit);
            all.AddRange(page.Items);
            after = page.NextCursor;
        }
        while (after is not null);
        return all;
    }

    private static string FallbackPath(TestDatabase database) => database.Settings["database:audit:fallback_path"]!;
}
