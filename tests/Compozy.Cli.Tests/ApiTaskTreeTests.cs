using System.Net;
using System.Text.Json;
using Compozy.Data.Testing;
using static Compozy.Cli.Tests.ApiSession;

namespace Compozy.Cli.Tests;

public sealed class ApiTaskTreeTests
{
    [Theory, DatabaseData]
    public async Task The_task_tree_stays_a_tree_and_completion_waits_as_Compozy_does(DatabaseKind database)
    {
        await using var api = await ApiSession.StartAsync(database, "api_tree");
        using var http = api.Client(api.AdminKey);
        foreach (var workflow in new[] { "wf-1", "wf-2" })
        {
            (await SendAsync(http, HttpMethod.Put, $"/api/v0/workflows/{workflow}", """{"workflow_id":"orders","status":"RUNNING"}""")).Status.ShouldBe(HttpStatusCode.Created);
        }

        Task<(HttpStatusCode Status, JsonElement Body)> PutTaskAsync(string id, string workflow, string? parent, string status = "RUNNING") =>
            SendAsync(http, HttpMethod.Put, $"/api/v0/tasks/{id}", JsonSerializer.Serialize(new Dictionary<string, string?>
            {
                ["workflow_exec_id"] = workflow,
                ["workflow_id"] = "orders",
                ["task_id"] = id,
                ["component"] = "task",
                ["status"] = status,
                ["execution_type"] = "composite",
                ["parent_state_id"] = parent,
            }));

        (await PutTaskAsync("root", "wf-1", null)).Status.ShouldBe(HttpStatusCode.Created);
        (await PutTaskAsync("child", "wf-1", "root")).Status.ShouldBe(HttpStatusCode.Created);
        (await PutTaskAsync("grandchild", "wf-1", "child")).Status.ShouldBe(HttpStatusCode.Created);
        (await PutTaskAsync("other", "wf-2", null)).Status.ShouldBe(HttpStatusCode.Created);

        async Task ShouldRefuseAsync(HttpStatusCode expected, string id, string workflow, string? parent, string field, string problem)
        {
            var (status, body) = await PutTaskAsync(id, workflow, parent);
            status.ShouldBe(expected, body.ToString());
            var text = expected == HttpStatusCode.BadRequest
                ? body.GetProperty("errors").GetProperty(field)[0].GetString()!
                : body.GetProperty("detail").GetString()!;
            text.ShouldContain(problem, Case.Sensitive, body.ToString());
        }

        await ShouldRefuseAsync(HttpStatusCode.BadRequest, "root", "wf-1", "root", "parent_state_id", "names the task itself");
        await ShouldRefuseAsync(HttpStatusCode.BadRequest, "root", "wf-1", "grandchild", "parent_state_id", "task state 'grandchild' is a descendant of 'root' (2 levels below it)");
        await ShouldRefuseAsync(HttpStatusCode.BadRequest, "other", "wf-2", "child", "parent_state_id", "task state 'child' belongs to workflow execution 'wf-1', not 'wf-2'");
        await ShouldRefuseAsync(HttpStatusCode.Conflict, "root", "wf-2", null, "workflow_exec_id", "workflow_exec_id: task state 'root' has child tasks in workflow execution 'wf-1' ('child')");

        var (_, tree) = await SendAsync(http, HttpMethod.Get, "/api/v0/tasks/root/tree");
        tree.GetProperty("items").EnumerateArray().Select(task => (task.GetProperty("task_exec_id").GetString(), task.GetProperty("workflow_exec_id").GetString(), task.GetProperty("parent_state_id").GetString()))
            .ShouldBe([("root", "wf-1", null), ("child", "wf-1", "root"), ("grandchild", "wf-1", "child")], "nothing of the refused upserts was written");

        // Completion: a WAITING top-level task holds it back and nothing is written; a PAUSED one does not.
        (await PutTaskAsync("root", "wf-1", null, "WAITING")).Status.ShouldBe(HttpStatusCode.OK);
        var (completeStatus, problemBody) = await SendAsync(http, HttpMethod.Post, "/api/v0/workflows/wf-1/complete");
        completeStatus.ShouldBe(HttpStatusCode.Conflict, problemBody.ToString());
        problemBody.GetProperty("detail").GetString()!.ShouldContain("root (WAITING) not finished");
        (await SendAsync(http, HttpMethod.Get, "/api/v0/workflows/wf-1")).Body.GetProperty("status").GetString().ShouldBe("RUNNING");

        (await PutTaskAsync("root", "wf-1", null, "PAUSED")).Status.ShouldBe(HttpStatusCode.OK);
        var (done, completed) = await SendAsync(http, HttpMethod.Post, "/api/v0/workflows/wf-1/complete");
        done.ShouldBe(HttpStatusCode.OK, completed.ToString());
        completed.GetProperty("status").GetString().ShouldBe("SUCCESS");
    }
}
