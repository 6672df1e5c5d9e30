using System.Net;
using System.Text.Json;
using Compozy.Data.Testing;
using static Compozy.Cli.Tests.ApiSession;

namespace Compozy.Cli.Tests;

public sealed class ApiTokenCountTests
{
    private const long OldLimit = int.MaxValue;

    [Theory, DatabaseData]
    public async Task Token_counts_are_64_bit_end_to_end_and_a_sum_past_64_bits_is_refused_writing_nothing(DatabaseKind database)
    {
        await using var api = await ApiSession.StartAsync(database, "api_counts");
        using var http = api.Client(api.AdminKey);
        (await SendAsync(http, HttpMethod.Put, "/api/v0/workflows/wf-1", """{"workflow_id":"orders","status":"RUNNING"}""")).Status.ShouldBe(HttpStatusCode.Created);
        (await SendAsync(http, HttpMethod.Put, "/api/v0/tasks/t-1", """{"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"a","component":"agent","status":"RUNNING"}""")).Status.ShouldBe(HttpStatusCode.Created);

        // Merging at the old 32-bit limit, then up to the 64-bit one, on a task and on a workflow.
        foreach (var path in new[] { "/api/v0/tasks/t-1/usage", "/api/v0/workflows/wf-1/usage" })
        {
            (await MergeAsync(http, path, OldLimit)).Status.ShouldBe(HttpStatusCode.OK);
            var (status, body) = await MergeAsync(http, path, 1);
            status.ShouldBe(HttpStatusCode.OK, body.ToString());
            body.GetProperty("usage")[0].GetProperty("prompt_tokens").GetInt64().ShouldBe(OldLimit + 1);
            (status, body) = await MergeAsync(http, path, long.MaxValue - OldLimit - 1);
            status.ShouldBe(HttpStatusCode.OK, body.ToString());
            body.GetProperty("usage")[0].GetProperty("prompt_tokens").GetInt64().ShouldBe(long.MaxValue);
            var stored = body.GetProperty("usage").GetRawText();
            var updatedAt = body.GetProperty("updated_at").GetString();

            (status, body) = await MergeAsync(http, path, 1);
            status.ShouldBe(HttpStatusCode.Conflict, body.ToString());
            body.GetProperty("code").GetString().ShouldBe("conflict");
            body.GetProperty("detail").GetString()!.ShouldContain("prompt_tokens of openai/gpt-4o would be 9223372036854775807 (stored) + 1 (reported)");
            var (_, after) = await SendAsync(http, HttpMethod.Get, path[..^"/usage".Length]);
            after.GetProperty("usage").GetRawText().ShouldBe(stored, "a refused merge writes nothing");
            after.GetProperty("updated_at").GetString().ShouldBe(updatedAt);
        }

        // A usage row takes any count up to the 64-bit limit and gives it back unchanged.
        var (rowStatus, row) = await SendAsync(http, HttpMethod.Put, "/api/v0/usage", """
            {"task_exec_id":"t-1","component":"agent","provider":"openai","model":"gpt-4o","prompt_tokens":9223372036854775807,"completion_tokens":2147483648,"total_tokens":9223372036854775807,"output_audio_tokens":9223372036854775807}
            """);
        rowStatus.ShouldBe(HttpStatusCode.OK, row.ToString());
        row.GetProperty("prompt_tokens").GetInt64().ShouldBe(long.MaxValue);
        row.GetProperty("completion_tokens").GetInt64().ShouldBe(OldLimit + 1);
        row.GetProperty("output_audio_tokens").GetInt64().ShouldBe(long.MaxValue);
        (await SendAsync(http, HttpMethod.Get, "/api/v0/usage/tasks/t-1")).Body.GetProperty("prompt_tokens").GetInt64().ShouldBe(long.MaxValue);

        // Each row fits, their sum does not: the summary says so instead of wrapping.
        (await SendAsync(http, HttpMethod.Put, "/api/v0/usage", """{"workflow_exec_id":"wf-1","component":"router","provider":"openai","model":"gpt-4o","prompt_tokens":1}""")).Status.ShouldBe(HttpStatusCode.OK);
        var (summaryStatus, summary) = await SendAsync(http, HttpMethod.Get, "/api/v0/usage/workflows/wf-1/summary");
        summaryStatus.ShouldBe(HttpStatusCode.Conflict, summary.ToString());
        summary.GetProperty("detail").GetString()!.ShouldContain("prompt_tokens of its 2 usage rows adds up to more than 9223372036854775807");

        // Counts that are not integers from 0 to the 64-bit limit are refused, naming field and range.
        async Task ShouldRefuseAsync(HttpMethod method, string path, string json, string field, string problem)
        {
            var (status, body) = await SendAsync(http, method, path, json);
            status.ShouldBe(HttpStatusCode.BadRequest, body.ToString());
            body.GetProperty("errors").GetProperty(field)[0].GetString()!.ShouldContain(problem, Case.Sensitive, body.ToString());
        }

        const string Row = """{"task_exec_id":"t-1","component":"tool","provider":"openai","model":"gpt-4o","prompt_tokens":""";
        await ShouldRefuseAsync(HttpMethod.Put, "/api/v0/usage", Row + "9223372036854775808}", "prompt_tokens", "is 9223372036854775808; allowed: an integer from 0 to 9223372036854775807");
        await ShouldRefuseAsync(HttpMethod.Put, "/api/v0/usage", Row + "-1}", "prompt_tokens", "is -1; allowed: an integer from 0 to 9223372036854775807");
        await ShouldRefuseAsync(HttpMethod.Put, "/api/v0/usage", Row + "1.5}", "prompt_tokens", "is 1.5, not an integer; allowed: an integer from 0 to 9223372036854775807");
        await ShouldRefuseAsync(HttpMethod.Put, "/api/v0/usage", Row + "\"12\"}", "prompt_tokens", "must be an integer, not a string; allowed: an integer from 0 to 9223372036854775807");
        await ShouldRefuseAsync(
            HttpMethod.Post, "/api/v0/tasks/t-1/usage", """{"usage":[{"provider":"openai","model":"gpt-4o","cached_prompt_tokens":1e3}]}""",
            "usage[0].cached_prompt_tokens", "is 1e3, not an integer; allowed: an integer from 0 to 9223372036854775807");
        await ShouldRefuseAsync(
            HttpMethod.Post, "/api/v0/tasks/t-1/usage", """{"usage":[{"provider":"openai","model":"gpt-4o","prompt_tokens":99999999999999999999999}]}""",
            "usage[0].prompt_tokens", "is 99999999999999999999999; allowed: an integer from 0 to 9223372036854775807");
        await ShouldRefuseAsync(
            HttpMethod.Put, "/api/v0/workflows/wf-2", """{"workflow_id":"orders","status":"RUNNING","usage":[{"provider":"p","model":"m","prompt_tokens":9223372036854775807,"total_tokens":1},{"provider":"p","model":"m","prompt_tokens":1,"total_tokens":1}]}""",
            "usage[1].prompt_tokens", "9223372036854775807 + 1 is more than 9223372036854775807");
        await ShouldRefuseAsync(
            HttpMethod.Put, "/api/v0/workflows/wf-2", """{"workflow_id":"orders","status":"RUNNING","usage":[{"provider":"p","model":"m","prompt_tokens":9223372036854775807,"completion_tokens":1}]}""",
            "usage[0].total_tokens", "send total_tokens");
        (await SendAsync(http, HttpMethod.Get, "/api/v0/workflows/wf-2")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(http, HttpMethod.Get, "/api/v0/usage/tasks/t-1")).Body.GetProperty("component").GetString().ShouldBe("agent", "no refused row was written");
    }

    private static Task<(HttpStatusCode Status, JsonElement Body)> MergeAsync(HttpClient http, string path, long promptTokens) =>
        SendAsync(http, HttpMethod.Post, path, $$"""{"usage":[{"provider":"openai","model":"gpt-4o","prompt_tokens":{{promptTokens}}}]}""");
}
