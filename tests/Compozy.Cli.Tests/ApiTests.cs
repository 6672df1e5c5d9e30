using System.Net;
using System.Text.Json;
using Compozy.Data.Testing;
using static Compozy.Cli.Tests.ApiSession;

namespace Compozy.Cli.Tests;

public sealed class ApiTests
{
    [Theory, DatabaseData]
    public async Task A_new_user_bootstraps_a_key_then_builds_and_completes_a_workflow(DatabaseKind database)
    {
        await using var api = await ApiSession.StartAsync(database, "api_flow");
        using var anonymous = api.Client(key: null);
        using var stranger = api.Client("cpzy_" + new string('A', 43));
        using var http = api.Client(api.AdminKey);

        var (status, body) = await SendAsync(anonymous, HttpMethod.Get, "/api/v0/workflows");
        status.ShouldBe(HttpStatusCode.Unauthorized);
        body.GetProperty("code").GetString().ShouldBe("unauthenticated");
        (await SendAsync(stranger, HttpMethod.Get, "/api/v0/workflows")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

        (status, body) = await SendAsync(http, HttpMethod.Put, "/api/v0/workflows/wf-1", """{"workflow_id":"orders","status":"RUNNING","input":{"order":42}}""");
        status.ShouldBe(HttpStatusCode.Created, body.ToString());
        body.GetProperty("workflow_exec_id").GetString().ShouldBe("wf-1");
        body.GetProperty("status").GetString().ShouldBe("RUNNING");
        body.GetProperty("input").GetProperty("order").GetInt32().ShouldBe(42);
        (await SendAsync(http, HttpMethod.Put, "/api/v0/workflows/wf-1", """{"workflow_id":"orders","status":"RUNNING","input":{"order":42}}""")).Status.ShouldBe(HttpStatusCode.OK);

        (status, body) = await SendAsync(http, HttpMethod.Put, "/api/v0/tasks/fan-out", """
            {"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"fan-out","component":"task","status":"RUNNING","execution_type":"parallel"}
            """);
        status.ShouldBe(HttpStatusCode.Created, body.ToString());
        body.GetProperty("execution_type").GetString().ShouldBe("parallel");
        (await SendAsync(http, HttpMethod.Put, "/api/v0/tasks/draft", """
            {"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"draft","component":"agent","status":"RUNNING","agent_id":"writer","action_id":"compose","parent_state_id":"fan-out"}
            """)).Status.ShouldBe(HttpStatusCode.Created);
        (await SendAsync(http, HttpMethod.Put, "/api/v0/tasks/lookup", """
            {"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"lookup","component":"tool","status":"SUCCESS","tool_id":"search","parent_state_id":"fan-out","output":{"hits":3}}
            """)).Status.ShouldBe(HttpStatusCode.Created);

        (status, body) = await SendAsync(http, HttpMethod.Get, "/api/v0/tasks/fan-out/tree");
        status.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("items").EnumerateArray().Select(task => task.GetProperty("task_exec_id").GetString()).ToList()
            .ShouldBe(["fan-out", "draft", "lookup"]);
        (status, body) = await SendAsync(http, HttpMethod.Get, "/api/v0/tasks/fan-out/children");
        body.GetProperty("items").GetArrayLength().ShouldBe(2);
        (status, body) = await SendAsync(http, HttpMethod.Get, "/api/v0/tasks/fan-out/children/outputs");
        body.GetProperty("outputs").GetProperty("lookup").GetProperty("hits").GetInt32().ShouldBe(3);
        (status, body) = await SendAsync(http, HttpMethod.Get, "/api/v0/tasks/fan-out/progress");
        body.GetProperty("total_children").GetInt32().ShouldBe(2);
        body.GetProperty("status_counts").GetProperty("SUCCESS").GetInt32().ShouldBe(1);
        body.GetProperty("completion_rate").GetDouble().ShouldBe(0.5);

        (status, body) = await SendAsync(http, HttpMethod.Get, "/api/v0/tasks?workflow_exec_id=wf-1&status=RUNNING&limit=10");
        body.GetProperty("items").EnumerateArray().Select(task => task.GetProperty("task_exec_id").GetString()).ShouldBe(["fan-out", "draft"], ignoreOrder: true);
        (status, body) = await SendAsync(http, HttpMethod.Get, "/api/v0/workflows?workflow_id=orders");
        body.GetProperty("items").GetArrayLength().ShouldBe(1);
        (status, body) = await SendAsync(http, HttpMethod.Get, "/api/v0/workflows/wf-1");
        body.GetProperty("tasks").EnumerateObject().Select(task => task.Name).ShouldBe(["draft", "fan-out", "lookup"], ignoreOrder: true);

        (status, body) = await SendAsync(http, HttpMethod.Post, "/api/v0/workflows/wf-1/complete");
        status.ShouldBe(HttpStatusCode.Conflict);
        body.GetProperty("detail").GetString()!.ShouldContain("fan-out (RUNNING)");
        foreach (var (id, taskId, component, extra) in new[]
        {
            ("draft", "draft", "agent", "\"agent_id\":\"writer\",\"action_id\":\"compose\",\"parent_state_id\":\"fan-out\""),
            ("fan-out", "fan-out", "task", "\"execution_type\":\"parallel\""),
        })
        {
            (await SendAsync(http, HttpMethod.Put, $"/api/v0/tasks/{id}", $$"""
                {"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"{{taskId}}","component":"{{component}}","status":"SUCCESS",{{extra}}}
                """)).Status.ShouldBe(HttpStatusCode.OK);
        }

        (status, body) = await SendAsync(http, HttpMethod.Post, "/api/v0/workflows/wf-1/complete");
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("status").GetString().ShouldBe("SUCCESS");
        body.GetProperty("output").GetProperty("lookup").GetProperty("output").GetProperty("hits").GetInt32().ShouldBe(3);
        (status, body) = await SendAsync(http, HttpMethod.Get, "/api/v0/workflows/wf-1/progress");
        body.GetProperty("total_children").GetInt32().ShouldBe(1, "only the workflow's own top-level tasks");
    }

    [Theory, DatabaseData]
    public async Task Client_mistakes_are_answered_4xx_naming_each_field_and_change_nothing(DatabaseKind database)
    {
        await using var api = await ApiSession.StartAsync(database, "api_errors", "--max-body-size", "4KB");
        using var http = api.Client(api.AdminKey);
        (await SendAsync(http, HttpMethod.Put, "/api/v0/workflows/wf-1", """{"workflow_id":"orders","status":"RUNNING"}""")).Status.ShouldBe(HttpStatusCode.Created);

        async Task<JsonElement> BadRequestAsync(HttpMethod method, string path, string? json, params string[] fields)
        {
            var (status, body) = await SendAsync(http, method, path, json);
            status.ShouldBe(HttpStatusCode.BadRequest, body.ToString());
            var errors = body.GetProperty("errors");
            foreach (var field in fields)
            {
                errors.TryGetProperty(field, out _).ShouldBeTrue($"{method} {path} did not name {field}: {body}");
            }

            return body;
        }

        await BadRequestAsync(HttpMethod.Put, "/api/v0/workflows/wf-2", """{"workflow_id":"orders",""", "body");
        await BadRequestAsync(HttpMethod.Put, "/api/v0/workflows/wf-2", """["not","an","object"]""", "body");
        var many = await BadRequestAsync(HttpMethod.Put, "/api/v0/workflows/wf-2", """{"workflow_id":7,"status":"DONE","colour":"red"}""", "workflow_id", "status", "colour");
        many.GetProperty("errors").GetProperty("status")[0].GetString()!.ShouldContain("allowed: PENDING, RUNNING, SUCCESS, FAILED, TIMED_OUT, CANCELED, WAITING, PAUSED");
        await BadRequestAsync(HttpMethod.Put, "/api/v0/workflows/wf-2", """{"status":"RUNNING"}""", "workflow_id");
        await BadRequestAsync(HttpMethod.Put, "/api/v0/workflows/wf-2", """{"workflow_id":"orders","status":"RUNNING","usage":[{"provider":"openai","model":"gpt-4o","prompt_tokens":-3}]}""", "usage[0].prompt_tokens");
        await BadRequestAsync(HttpMethod.Put, "/api/v0/tasks/t-1", """
            {"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"a","component":"agent","status":"RUNNING","agent_id":"writer"}
            """, "action_id");
        await BadRequestAsync(HttpMethod.Put, "/api/v0/tasks/t-1", """
            {"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"a","component":"agent","status":"RUNNING","agent_id":"writer","action_id":"x","tool_id":"search"}
            """, "tool_id");
        await BadRequestAsync(HttpMethod.Put, "/api/v0/tasks/t-1", """
            {"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"a","component":"router","status":"RUNNING","execution_type":"router","tool_id":"search"}
            """, "tool_id");
        await BadRequestAsync(HttpMethod.Put, "/api/v0/tasks/t-1", """
            {"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"a","component":"task","status":"RUNNING","execution_type":"sequential"}
            """, "execution_type");
        await BadRequestAsync(HttpMethod.Put, $"/api/v0/tasks/{new string('x', 300)}", """
            {"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"a","component":"task","status":"RUNNING"}
            """, "task_exec_id");
        await BadRequestAsync(HttpMethod.Put, "/api/v0/tasks/bad%01id", """
            {"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"a","component":"task","status":"RUNNING"}
            """, "task_exec_id");
        await BadRequestAsync(HttpMethod.Get, "/api/v0/tasks?status=DONE&limit=0&colour=red", null, "status", "limit", "colour");
        await BadRequestAsync(HttpMethod.Get, "/api/v0/workflows?after=not-a-cursor", null, "after");

        var (notFound, body) = await SendAsync(http, HttpMethod.Put, "/api/v0/tasks/t-1", """
            {"workflow_exec_id":"wf-404","workflow_id":"orders","task_id":"a","component":"task","status":"RUNNING"}
            """);
        notFound.ShouldBe(HttpStatusCode.NotFound, body.ToString());
        body.GetProperty("errors").TryGetProperty("workflow_exec_id", out _).ShouldBeTrue(body.ToString());
        (notFound, body) = await SendAsync(http, HttpMethod.Put, "/api/v0/tasks/t-1", """
            {"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"a","component":"task","status":"RUNNING","parent_state_id":"t-404"}
            """);
        notFound.ShouldBe(HttpStatusCode.NotFound, body.ToString());
        body.GetProperty("errors").TryGetProperty("parent_state_id", out _).ShouldBeTrue(body.ToString());
        (await SendAsync(http, HttpMethod.Get, "/api/v0/workflows/wf-404")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(http, HttpMethod.Get, "/api/v0/tasks/t-404/tree")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(http, HttpMethod.Get, "/api/v0/no/such/endpoint")).Status.ShouldBe(HttpStatusCode.NotFound);

        var big = $$$"""{"workflow_id":"orders","status":"RUNNING","input":{"text":"{{{new string('x', 8192)}}}"}}""";
        var (tooLarge, problem) = await SendAsync(http, HttpMethod.Put, "/api/v0/workflows/wf-big", big);
        tooLarge.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        problem.GetProperty("code").GetString().ShouldBe("body_too_large");

        // Nothing of the refused requests was written.
        var (_, listing) = await SendAsync(http, HttpMethod.Get, "/api/v0/tasks?workflow_exec_id=wf-1");
        listing.GetProperty("items").GetArrayLength().ShouldBe(0);
        (await SendAsync(http, HttpMethod.Get, "/api/v0/workflows/wf-2")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(http, HttpMethod.Get, "/api/v0/workflows/wf-big")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory, DatabaseData]
    public async Task Users_keys_and_usage_are_for_admins_and_a_key_is_shown_once(DatabaseKind database)
    {
        await using var api = await ApiSession.StartAsync(database, "api_admin");
        using var admin = api.Client(api.AdminKey);

        var (status, user) = await SendAsync(admin, HttpMethod.Post, "/api/v0/users", """{"email":"Dev@Example.com"}""");
        status.ShouldBe(HttpStatusCode.Created, user.ToString());
        user.GetProperty("role").GetString().ShouldBe("user");
        var userId = user.GetProperty("id").GetString();
        (await SendAsync(admin, HttpMethod.Post, "/api/v0/users", """{"email":"dev@example.com"}""")).Status.ShouldBe(HttpStatusCode.Conflict);
        (status, var issued) = await SendAsync(admin, HttpMethod.Post, $"/api/v0/users/{userId}/keys");
        status.ShouldBe(HttpStatusCode.Created);
        var key = issued.GetProperty("key").GetString()!;
        var (_, keys) = await SendAsync(admin, HttpMethod.Get, $"/api/v0/users/{userId}/keys");
        keys.ToString().ShouldNotContain(key, Case.Sensitive, "a listing never shows a key");

        using var developer = api.Client(key);
        var (meStatus, me) = await SendAsync(developer, HttpMethod.Get, "/api/v0/me");
        meStatus.ShouldBe(HttpStatusCode.OK);
        me.GetProperty("email").GetString().ShouldBe("Dev@Example.com");
        (await SendAsync(developer, HttpMethod.Get, "/api/v0/users")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await SendAsync(developer, HttpMethod.Get, "/api/v0/usage/workflows/wf-1/summary")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await SendAsync(developer, HttpMethod.Put, "/api/v0/workflows/wf-1", """{"workflow_id":"orders","status":"RUNNING"}""")).Status.ShouldBe(HttpStatusCode.Created);
        (await SendAsync(developer, HttpMethod.Put, "/api/v0/tasks/t-1", """{"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"a","component":"agent","status":"RUNNING"}""")).Status.ShouldBe(HttpStatusCode.Created);

        (await SendAsync(admin, HttpMethod.Put, "/api/v0/usage", """{"task_exec_id":"t-1","component":"agent","provider":"openai","model":"gpt-4o","prompt_tokens":10,"completion_tokens":5}""")).Status.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(admin, HttpMethod.Put, "/api/v0/usage", """{"workflow_exec_id":"wf-1","component":"router","provider":"anthropic","model":"claude","prompt_tokens":1}""")).Status.ShouldBe(HttpStatusCode.OK);
        var (_, summary) = await SendAsync(admin, HttpMethod.Get, "/api/v0/usage/workflows/wf-1/summary");
        summary.GetProperty("provider").GetString().ShouldBe("mixed");
        summary.GetProperty("total_tokens").GetInt32().ShouldBe(16);
        var (both, bothBody) = await SendAsync(admin, HttpMethod.Put, "/api/v0/usage", """{"task_exec_id":"t-1","workflow_exec_id":"wf-1","component":"agent","provider":"openai","model":"gpt-4o"}""");
        both.ShouldBe(HttpStatusCode.BadRequest, bothBody.ToString());
        var (missing, missingBody) = await SendAsync(admin, HttpMethod.Put, "/api/v0/usage", """{"task_exec_id":"t-404","component":"agent","provider":"openai","model":"gpt-4o"}""");
        missing.ShouldBe(HttpStatusCode.NotFound, missingBody.ToString());

        (await SendAsync(admin, HttpMethod.Delete, $"/api/v0/keys/{issued.GetProperty("id").GetString()}")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await SendAsync(developer, HttpMethod.Get, "/api/v0/me")).Status.ShouldBe(HttpStatusCode.Unauthorized);

        var second = await api.Cli.RunAsync("auth", "bootstrap", "--email", "again@example.com");
        second.ExitCode.ShouldBe(1, second.ToString());
        second.Stderr.ShouldContain("already bootstrapped");
        second.Stdout.ShouldNotContain("cpzy_");
    }
}
