using System.Net;
using System.Text.Json;
using Compozy.Data.Testing;
using static Compozy.Cli.Tests.ApiSession;

namespace Compozy.Cli.Tests;

/// <summary><c>GET /api/v0/audit</c> and <c>compozy audit list</c> over the entries the API and the CLI record.</summary>
public sealed class AuditCommandTests
{
    [Theory, DatabaseData]
    public async Task Admin_actions_of_the_api_and_the_cli_are_listed_by_the_endpoint_and_the_command(DatabaseKind database)
    {
        await using var api = await ApiSession.StartAsync(database, "audit_cli");
        using var anonymous = api.Client(key: null);
        using var admin = api.Client(api.AdminKey);

        var (status, body) = await SendAsync(admin, HttpMethod.Post, "/api/v0/users", """{"email":"ada@example.com","role":"user"}""");
        status.ShouldBe(HttpStatusCode.Created, body.ToString());
        var userId = body.GetProperty("id").GetString()!;
        (status, body) = await SendAsync(admin, HttpMethod.Post, "/api/v0/users", """{"email":"ada@example.com"}""");
        status.ShouldBe(HttpStatusCode.Conflict, body.ToString());
        (status, body) = await SendAsync(admin, HttpMethod.Post, $"/api/v0/users/{userId}/keys");
        status.ShouldBe(HttpStatusCode.Created, body.ToString());
        var userKey = body.GetProperty("key").GetString()!;
        var userKeyId = body.GetProperty("id").GetString()!;
        (await SendAsync(admin, HttpMethod.Delete, "/api/v0/keys/no-such-key")).Status.ShouldBe(HttpStatusCode.NotFound);

        using var user = api.Client(userKey);
        (await SendAsync(anonymous, HttpMethod.Get, "/api/v0/audit")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await SendAsync(user, HttpMethod.Get, "/api/v0/audit")).Status.ShouldBe(HttpStatusCode.Forbidden);

        (status, body) = await SendAsync(admin, HttpMethod.Get, "/api/v0/audit?limit=2");
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        var all = new List<JsonElement>(body.GetProperty("items").EnumerateArray());
        while (body.GetProperty("next_cursor").GetString() is { } cursor)
        {
            (status, body) = await SendAsync(admin, HttpMethod.Get, $"/api/v0/audit?limit=2&after={Uri.EscapeDataString(cursor)}");
            all.AddRange(body.GetProperty("items").EnumerateArray());
        }

        all.Select(e => $"{e.GetProperty("action").GetString()} {e.GetProperty("outcome").GetString()}").ShouldBe(
        [
            "auth.bootstrap succeeded", "user.created succeeded", "user.created refused",
            "api_key.created succeeded", "api_key.deleted refused",
        ]);
        all[0].GetProperty("actor").GetString()!.ShouldStartWith("cli:");
        all[1].GetProperty("actor").GetString()!.ShouldStartWith("user:");
        all[1].GetProperty("actor").GetString()!.ShouldEndWith("(admin@example.com)");
        all[1].GetProperty("target").GetString().ShouldBe(userId);
        all[3].GetProperty("target").GetString().ShouldBe(userKeyId);
        all.ShouldAllBe(e => !e.ToString().Contains(userKey, StringComparison.Ordinal) && !e.ToString().Contains(api.AdminKey, StringComparison.Ordinal));

        (status, body) = await SendAsync(admin, HttpMethod.Get, "/api/v0/audit?action=user.created&outcome=refused");
        body.GetProperty("items").GetArrayLength().ShouldBe(1);
        (status, body) = await SendAsync(admin, HttpMethod.Get, "/api/v0/audit?outcome=maybe&since=yesterday");
        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("errors").GetProperty("outcome")[0].GetString()!.ShouldContain("allowed: succeeded, failed, refused");
        body.GetProperty("errors").GetProperty("since")[0].GetString()!.ShouldContain("RFC 3339");
        (status, body) = await SendAsync(admin, HttpMethod.Get, "/api/v0/audit?after=nonsense");
        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("errors").TryGetProperty("after", out _).ShouldBeTrue(body.ToString());

        var listed = await api.Cli.RunAsync("audit", "list", "--action", "api_key.created", "--json");
        listed.ExitCode.ShouldBe(0, listed.ToString());
        using (var document = JsonDocument.Parse(listed.Stdout))
        {
            document.RootElement.GetProperty("items").EnumerateArray().ShouldHaveSingleItem().GetProperty("target").GetString().ShouldBe(userKeyId);
            document.RootElement.GetProperty("next_cursor").ValueKind.ShouldBe(JsonValueKind.Null);
        }

        var table = await api.Cli.RunAsync("audit", "list", "--outcome", "refused", "--since", "2000-01-01T00:00:00Z");
        table.ExitCode.ShouldBe(0, table.ToString());
        var lines = table.Stdout.TrimEnd().Split('\n');
        lines[0].ShouldStartWith("OCCURRED AT (UTC)");
        lines.Length.ShouldBe(4, table.ToString());
        lines[^1].ShouldBe("2 events");

        var bad = await api.Cli.RunAsync("audit", "list", "--outcome", "maybe", "--limit", "0", "--until", "2026-12-01");
        bad.ExitCode.ShouldBe(2, bad.ToString());
        bad.Stderr.ShouldContain("compozy: --outcome: \"maybe\" is not allowed; allowed: succeeded, failed, refused");
        bad.Stderr.ShouldContain("compozy: --limit: \"0\" is not allowed");
        bad.Stderr.ShouldContain("compozy: --until: \"2026-12-01\" is not allowed; allowed: an RFC 3339 time with an offset");
        var badCursor = await api.Cli.RunAsync("audit", "list", "--after", "nonsense");
        badCursor.ExitCode.ShouldBe(2, badCursor.ToString());
        badCursor.Stderr.ShouldContain("--after");
    }
}
