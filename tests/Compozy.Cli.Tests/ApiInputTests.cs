using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Compozy.Data.Testing;
using static Compozy.Cli.Tests.ApiSession;

namespace Compozy.Cli.Tests;

/// <summary>
/// What the API accepts it stores faithfully and can answer again, on both databases: input that
/// could not be is refused before anything is written, an id has one spelling, every error is a
/// problem body, and no answer is a 5xx for a write that was committed.
/// </summary>
public sealed partial class ApiInputTests
{
    private const string LoneSurrogate = "holds a lone UTF-16 surrogate (\\ud800 to \\udfff must come in high-low pairs); text must be well-formed Unicode";
    private const string Nul = "holds \\u0000, which the databases cannot store in text; remove it";
    private const string NotUtf8 = "holds bytes that are not UTF-8; send the body as UTF-8";
    private const string Duplicate = "appears more than once in the same object; each key may appear once";

    [Theory, DatabaseData]
    public async Task Text_keys_and_numbers_that_cannot_be_stored_are_refused_naming_the_field_on_every_endpoint_and_nothing_is_written(DatabaseKind database)
    {
        await using var api = await ApiSession.StartAsync(database, "api_text");
        using var http = api.Client(api.AdminKey);
        var userId = await ArrangeAsync(http);

        // Each body as sent (escapes are JSON's, not C#'s), the field the 400 must name, and what it must say.
        (HttpMethod Method, string Path, string Body, string Field, string Says)[] cases =
        [
            (HttpMethod.Put, "/api/v0/tasks/t-2", TaskBody(""" "output":"\ud800" """), "output", LoneSurrogate),
            (HttpMethod.Put, "/api/v0/tasks/t-2", TaskBody(""" "output":{"a":["x","\udc00"]} """), "output.a[1]", LoneSurrogate),
            (HttpMethod.Put, "/api/v0/tasks/t-2", TaskBody(""" "input":{"\ud800k":1} """), "input", $"has a key that {LoneSurrogate}"),
            (HttpMethod.Put, "/api/v0/tasks/t-2", TaskBody(""" "error":{"message":"a\u0000b"} """), "error.message", Nul),
            (HttpMethod.Put, "/api/v0/tasks/t-2", """{"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"t\ud83d","component":"task","status":"RUNNING"}""", "task_id", LoneSurrogate),
            (HttpMethod.Put, "/api/v0/workflows/wf-2", """{"workflow_id":"orders","status":"RUNNING","input":{"a\u0000":1}}""", "input", $"has a key that {Nul}"),
            (HttpMethod.Put, "/api/v0/workflows/wf-2", """{"workflow_id":"orders","status":"RUNNING","input":{"a":1,"a":2}}""", "input.a", Duplicate),
            (HttpMethod.Put, "/api/v0/workflows/wf-2", """{"workflow_id":"orders","status":"RUNNING","workflow_id":"other"}""", "workflow_id", Duplicate),
            (HttpMethod.Put, "/api/v0/workflows/wf-2", """{"workflow_id":"orders","status":"RUNNING","input":{"big":1e400}}""", "input.big", "is 1e400; allowed: a finite number up to 1.7976931348623157e308"),
            (HttpMethod.Put, "/api/v0/workflows/wf-2", """{"workflow_id":"orders","status":"RUNNING","output":[1e-1001]}""", "output[0]", "at most 1000 digits after the decimal point"),
            (HttpMethod.Put, "/api/v0/workflows/wf-2", """{"workflow_id":"orders","status":"RUNNING","usage":[{"provider":"open\udc00ai","model":"m","prompt_tokens":1,"completion_tokens":1,"total_tokens":2}]}""", "usage[0].provider", LoneSurrogate),
            (HttpMethod.Put, "/api/v0/workflows/wf-1/status", """{"status":"RUNNING\u0000"}""", "status", Nul),
            (HttpMethod.Post, "/api/v0/workflows/wf-1/usage", """{"usage":[{"provider":"openai","model":"gpt\ud800","prompt_tokens":1,"completion_tokens":1,"total_tokens":2}]}""", "usage[0].model", LoneSurrogate),
            (HttpMethod.Post, "/api/v0/tasks/t-1/usage", """{"usage":[{"provider":"openai","model":"gpt","source":"\u0000","prompt_tokens":1,"completion_tokens":1,"total_tokens":2}]}""", "usage[0].source", Nul),
            (HttpMethod.Put, "/api/v0/usage", """{"task_exec_id":"t-1","component":"agent","provider":"openai","model":"\udfff"}""", "model", LoneSurrogate),
            (HttpMethod.Post, "/api/v0/users", """{"email":"a\u0000@example.com"}""", "email", Nul),
            (HttpMethod.Patch, $"/api/v0/users/{userId}", """{"email":"\udc00@example.com"}""", "email", LoneSurrogate),
            (HttpMethod.Put, "/api/v0/knowledge/kb2", """{"dimension":3,"vector_db":"\ud800"}""", "vector_db", LoneSurrogate),
            (HttpMethod.Post, "/api/v0/knowledge/kb/chunks", """{"chunks":[{"id":"c-2","document_id":"d","text":"t\ud800","embedding":[1,0,0]}]}""", "chunks[0].text", LoneSurrogate),
            (HttpMethod.Post, "/api/v0/knowledge/kb/chunks", """{"chunks":[{"id":"c-2","document_id":"d","text":"t","embedding":[1,0,0],"metadata":{"lang":"e\u0000n"}}]}""", "chunks[0].metadata.lang", Nul),
            (HttpMethod.Post, "/api/v0/knowledge/kb/chunks", """{"chunks":[{"id":"c-2","document_id":"d","text":"t","embedding":[1,0,0],"metadata":{"la\udc00ng":"en"}}]}""", "chunks[0].metadata", $"has a key that {LoneSurrogate}"),
            (HttpMethod.Post, "/api/v0/knowledge/kb/chunks", """{"chunks":[{"id":"c\ud800","document_id":"d","text":"t","embedding":[1,0,0]}]}""", "chunks[0].id", LoneSurrogate),
            (HttpMethod.Delete, "/api/v0/knowledge/kb/chunks", """{"ids":["c-1","\ud800"]}""", "ids[1]", LoneSurrogate),
            (HttpMethod.Post, "/api/v0/knowledge/kb/search", """{"embedding":[1,0,0],"filter":{"lang":"\ud800"}}""", "filter.lang", LoneSurrogate),

            // Numbers out of range say the range, whatever the number.
            (HttpMethod.Post, "/api/v0/knowledge/kb/search", """{"embedding":[1,0,0],"top_k":1e10}""", "top_k", "is 1e10, not an integer; allowed: an integer from 1 to the vector database's options.max_top_k (default 100)"),
            (HttpMethod.Post, "/api/v0/knowledge/kb/search", """{"embedding":[1,0,0],"top_k":2.5}""", "top_k", "is 2.5, not an integer; allowed: an integer from 1 to"),
            (HttpMethod.Post, "/api/v0/knowledge/kb/search", """{"embedding":[1,0,0],"top_k":1000}""", "top_k", "is 1000; allowed: an integer from 1 to 100"),
            (HttpMethod.Put, "/api/v0/knowledge/kb3", """{"dimension":"wide"}""", "dimension", "must be an integer, not a string; allowed: an integer from 1 to 16000"),
            (HttpMethod.Put, "/api/v0/usage", """{"task_exec_id":"t-1","component":"agent","provider":"openai","model":"m","prompt_tokens":-1}""", "prompt_tokens", "is -1; allowed: an integer from 0 to"),
        ];

        foreach (var (method, path, body, field, says) in cases)
        {
            var (status, problem) = await SendAsync(http, method, path, body);
            status.ShouldBe(HttpStatusCode.BadRequest, $"{method} {path} {body}: {problem}");
            ShouldName(problem, field, says, $"{method} {path} {body}");
        }

        // Bytes that are not UTF-8, in a value and in a key.
        var (badValue, valueProblem) = await SendBytesAsync(http, HttpMethod.Put, "/api/v0/workflows/wf-2", Utf8WithInvalidBytes("""{"workflow_id":"orders","status":"RUNNING","input":"x""", "\"}"));
        badValue.ShouldBe(HttpStatusCode.BadRequest, valueProblem.ToString());
        ShouldName(valueProblem, "input", NotUtf8, "invalid UTF-8 value");
        var (badKey, keyProblem) = await SendBytesAsync(http, HttpMethod.Put, "/api/v0/tasks/t-2", Utf8WithInvalidBytes(TaskBody("\"output\":{\"k")[..^1], "\":1}}"));
        badKey.ShouldBe(HttpStatusCode.BadRequest, keyProblem.ToString());
        ShouldName(keyProblem, "output", $"has a key that {NotUtf8}", "invalid UTF-8 key");

        // Nothing of it was written, and every read still answers.
        var (_, workflows) = await SendAsync(http, HttpMethod.Get, "/api/v0/workflows");
        Ids(workflows, "workflow_exec_id").ShouldBe(["wf-1"]);
        var (_, tasks) = await SendAsync(http, HttpMethod.Get, "/api/v0/tasks");
        Ids(tasks, "task_exec_id").ShouldBe(["t-1"]);
        var (_, workflow) = await SendAsync(http, HttpMethod.Get, "/api/v0/workflows/wf-1");
        workflow.GetProperty("status").GetString().ShouldBe("RUNNING");
        workflow.GetProperty("usage").ValueKind.ShouldBe(JsonValueKind.Null);
        workflow.GetProperty("tasks").GetProperty("t1").GetProperty("usage").ValueKind.ShouldBe(JsonValueKind.Null);
        (await SendAsync(http, HttpMethod.Get, "/api/v0/usage/tasks/t-1")).Status.ShouldBe(HttpStatusCode.NotFound);
        var (_, users) = await SendAsync(http, HttpMethod.Get, "/api/v0/users");
        users.GetProperty("items").EnumerateArray().Select(user => user.GetProperty("email").GetString()).ShouldBe(["dev@example.com", "admin@example.com"], ignoreOrder: true);
        (await SendAsync(http, HttpMethod.Get, "/api/v0/knowledge/kb2")).Status.ShouldBe(HttpStatusCode.NotFound);
        var (_, found) = await SendAsync(http, HttpMethod.Post, "/api/v0/knowledge/kb/search", """{"embedding":[1,0,0],"top_k":10}""");
        Ids(found, "id", "results").ShouldBe(["c-1"]);
    }

    [Theory, DatabaseData]
    public async Task Json_nested_to_the_limit_is_accepted_and_every_answer_that_includes_it_reads_back_and_one_level_more_is_refused(DatabaseKind database)
    {
        await using var api = await ApiSession.StartAsync(database, "api_depth");
        using var http = api.Client(api.AdminKey);

        // The body is level 1, so a field's value may nest 63 levels and a chunk's metadata 61.
        var deepest = Nested(63);
        var (status, created) = await SendAsync(http, HttpMethod.Put, "/api/v0/workflows/wf-1", $$"""{"workflow_id":"orders","status":"RUNNING","input":{{deepest}}}""");
        status.ShouldBe(HttpStatusCode.Created, created.ToString());
        (status, created) = await SendAsync(http, HttpMethod.Put, "/api/v0/tasks/t-1", $$"""{"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"t1","component":"task","status":"SUCCESS","execution_type":"parallel","output":{{deepest}}}""");
        status.ShouldBe(HttpStatusCode.Created, created.ToString());
        (status, created) = await SendAsync(http, HttpMethod.Put, "/api/v0/tasks/t-2", $$"""{"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"t2","component":"task","status":"SUCCESS","parent_state_id":"t-1","output":{{deepest}}}""");
        status.ShouldBe(HttpStatusCode.Created, created.ToString());

        foreach (var path in new[] { "/api/v0/workflows/wf-1", "/api/v0/workflows", "/api/v0/tasks", "/api/v0/tasks/t-1", "/api/v0/tasks/t-1/tree", "/api/v0/tasks/t-1/children", "/api/v0/tasks/t-1/children/outputs" })
        {
            (await SendAsync(http, HttpMethod.Get, path)).Status.ShouldBe(HttpStatusCode.OK, path);
        }

        // Completing wraps each task's output two levels deeper; it is stored and read back too.
        var (completed, workflow) = await SendAsync(http, HttpMethod.Post, "/api/v0/workflows/wf-1/complete");
        completed.ShouldBe(HttpStatusCode.OK, workflow.ToString());
        Depth(workflow.GetProperty("output")).ShouldBe(65);
        Depth((await SendAsync(http, HttpMethod.Get, "/api/v0/workflows/wf-1")).Body.GetProperty("output")).ShouldBe(65);
        var (_, listing) = await SendAsync(http, HttpMethod.Get, "/api/v0/workflows");
        Depth(listing.GetProperty("items")[0].GetProperty("input")).ShouldBe(63);
        (await SendAsync(http, HttpMethod.Put, "/api/v0/workflows/wf-1/status", """{"status":"SUCCESS"}""")).Status.ShouldBe(HttpStatusCode.OK);

        (await SendAsync(http, HttpMethod.Put, "/api/v0/knowledge/kb", """{"dimension":2}""")).Status.ShouldBe(HttpStatusCode.Created);
        (status, created) = await SendAsync(http, HttpMethod.Post, "/api/v0/knowledge/kb/chunks", $$"""{"chunks":[{"id":"c-1","document_id":"d","text":"t","embedding":[1,0],"metadata":{{Nested(61)}}}]}""");
        status.ShouldBe(HttpStatusCode.OK, created.ToString());
        var (_, found) = await SendAsync(http, HttpMethod.Post, "/api/v0/knowledge/kb/search", """{"embedding":[1,0]}""");
        Depth(found.GetProperty("results")[0].GetProperty("metadata")).ShouldBe(61);

        // One level more is a 400 naming the field and the limit, and writes nothing.
        var tooDeep = Nested(64);
        var (refused, problem) = await SendAsync(http, HttpMethod.Put, "/api/v0/workflows/wf-2", $$"""{"workflow_id":"orders","status":"RUNNING","input":{{tooDeep}}}""");
        refused.ShouldBe(HttpStatusCode.BadRequest, problem.ToString());
        ShouldName(problem, "input", "nests more than 64 levels deep, counting the body as level 1; allowed: at most 64 levels", "input");
        (refused, problem) = await SendAsync(http, HttpMethod.Put, "/api/v0/tasks/t-3", $$"""{"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"t3","component":"task","status":"RUNNING","output":{{tooDeep}}}""");
        refused.ShouldBe(HttpStatusCode.BadRequest, problem.ToString());
        ShouldName(problem, "output", "allowed: at most 64 levels", "output");
        (refused, problem) = await SendAsync(http, HttpMethod.Post, "/api/v0/knowledge/kb/chunks", $$"""{"chunks":[{"id":"c-2","document_id":"d","text":"t","embedding":[1,0],"metadata":{{Nested(62)}}}]}""");
        refused.ShouldBe(HttpStatusCode.BadRequest, problem.ToString());
        ShouldName(problem, "chunks", "allowed: at most 64 levels", "metadata");
        Ids((await SendAsync(http, HttpMethod.Get, "/api/v0/workflows")).Body, "workflow_exec_id").ShouldBe(["wf-1"]);
        Ids((await SendAsync(http, HttpMethod.Get, "/api/v0/tasks")).Body, "task_exec_id").ShouldBe(["t-1", "t-2"]);
        Ids((await SendAsync(http, HttpMethod.Post, "/api/v0/knowledge/kb/search", """{"embedding":[1,0]}""")).Body, "id", "results").ShouldBe(["c-1"]);
    }

    [Theory, DatabaseData]
    public async Task An_id_has_one_spelling_a_path_segment_is_decoded_once_like_a_body_or_a_query_names_it(DatabaseKind database)
    {
        await using var api = await ApiSession.StartAsync(database, "api_ids");
        using var http = api.Client(api.AdminKey);

        // a%2Fb in a path is the id a/b, which a body and a query name as a/b.
        var (status, body) = await SendAsync(http, HttpMethod.Put, "/api/v0/workflows/a%2Fb", """{"workflow_id":"orders","status":"RUNNING"}""");
        status.ShouldBe(HttpStatusCode.Created, body.ToString());
        body.GetProperty("workflow_exec_id").GetString().ShouldBe("a/b");
        (status, body) = await SendAsync(http, HttpMethod.Put, "/api/v0/tasks/t%2F1", """{"workflow_exec_id":"a/b","workflow_id":"orders","task_id":"t1","component":"task","status":"RUNNING"}""");
        status.ShouldBe(HttpStatusCode.Created, body.ToString());
        body.GetProperty("task_exec_id").GetString().ShouldBe("t/1");
        (await SendAsync(http, HttpMethod.Get, "/api/v0/workflows/a%2Fb")).Body.GetProperty("tasks").GetProperty("t1").GetProperty("task_exec_id").GetString().ShouldBe("t/1");
        Ids((await SendAsync(http, HttpMethod.Get, "/api/v0/workflows?workflow_exec_id=a%2Fb")).Body, "workflow_exec_id").ShouldBe(["a/b"]);
        Ids((await SendAsync(http, HttpMethod.Get, "/api/v0/tasks?parent_state_id=t%2F1")).Body, "task_exec_id").ShouldBeEmpty();
        (await SendAsync(http, HttpMethod.Get, "/api/v0/tasks/t%2F1/children")).Status.ShouldBe(HttpStatusCode.OK);

        // %25 is a '%' of the id: a%252Fb is the id a%2Fb, another row than a/b, and each has one spelling.
        (status, body) = await SendAsync(http, HttpMethod.Put, "/api/v0/workflows/a%252Fb", """{"workflow_id":"orders","status":"PENDING"}""");
        status.ShouldBe(HttpStatusCode.Created, body.ToString());
        body.GetProperty("workflow_exec_id").GetString().ShouldBe("a%2Fb");
        (await SendAsync(http, HttpMethod.Get, "/api/v0/workflows/a%2Fb")).Body.GetProperty("status").GetString().ShouldBe("RUNNING");
        (await SendAsync(http, HttpMethod.Get, "/api/v0/workflows/a%252Fb")).Body.GetProperty("status").GetString().ShouldBe("PENDING");

        // UTF-8 escapes decode to the text they encode, and to the same row as the unescaped text.
        (status, body) = await SendAsync(http, HttpMethod.Put, "/api/v0/workflows/caf%C3%A9", """{"workflow_id":"orders","status":"RUNNING"}""");
        status.ShouldBe(HttpStatusCode.Created, body.ToString());
        body.GetProperty("workflow_exec_id").GetString().ShouldBe("café");
        (status, body) = await SendAsync(http, HttpMethod.Put, "/api/v0/tasks/t-2", """{"workflow_exec_id":"café","workflow_id":"orders","task_id":"t2","component":"task","status":"RUNNING"}""");
        status.ShouldBe(HttpStatusCode.Created, body.ToString());

        // A document id with a '/' is deleted by its escaped path.
        (await SendAsync(http, HttpMethod.Put, "/api/v0/knowledge/kb", """{"dimension":2}""")).Status.ShouldBe(HttpStatusCode.Created);
        (await SendAsync(http, HttpMethod.Post, "/api/v0/knowledge/kb/chunks", """{"chunks":[{"id":"c-1","document_id":"guide/intro","text":"t","embedding":[1,0]}]}""")).Status.ShouldBe(HttpStatusCode.OK);
        var (_, deleted) = await SendAsync(http, HttpMethod.Delete, "/api/v0/knowledge/kb/documents/guide%2Fintro");
        deleted.GetProperty("deleted").GetInt32().ShouldBe(1);

        // What cannot name an id in a path is refused, naming the field, and creates nothing.
        foreach (var (target, field, says) in new[]
        {
            ("/api/v0/workflows/x%ED%A0%80", "workflow_exec_id", "is not UTF-8 text once percent-decoded"),
            ("/api/v0/workflows/x%FF", "workflow_exec_id", "is not UTF-8 text once percent-decoded"),
            ("/api/v0/workflows/x%G1", "workflow_exec_id", "has a '%' that is not followed by two hexadecimal digits"),
            ("/api/v0/tasks/x/../t-2", "path", "has '.' or '..' segments"),
        })
        {
            var answer = await RawHttp.SendAsync(api.Host.BaseAddress, $"PUT {target} HTTP/1.1", api.AdminKey, """{"workflow_id":"orders","status":"RUNNING"}""");
            answer.Status.ShouldBe(400, $"{target}: {answer.Body}");
            using var problem = JsonDocument.Parse(answer.Body);
            ShouldName(problem.RootElement, field, says, target);
        }

        (status, body) = await SendAsync(http, HttpMethod.Put, "/api/v0/workflows/wf-3", """{"workflow_id":".","status":"RUNNING"}""");
        status.ShouldBe(HttpStatusCode.BadRequest, body.ToString());
        ShouldName(body, "workflow_id", "cannot be written in a URL path", "'.'");
        Ids((await SendAsync(http, HttpMethod.Get, "/api/v0/workflows")).Body, "workflow_exec_id").ShouldBe(["a/b", "a%2Fb", "café"], ignoreOrder: true);
        Ids((await SendAsync(http, HttpMethod.Get, "/api/v0/tasks")).Body, "task_exec_id").ShouldBe(["t/1", "t-2"], ignoreOrder: true);
    }

    [Theory, DatabaseData]
    public async Task Every_error_answer_the_server_makes_is_a_problem_body_with_a_type(DatabaseKind database)
    {
        await using var api = await ApiSession.StartAsync(database, "api_problems", "--max-body-size", "4KB");
        using var http = api.Client(api.AdminKey);
        using var anonymous = api.Client(key: null);
        (await SendAsync(http, HttpMethod.Put, "/api/v0/workflows/wf-1", """{"workflow_id":"orders","status":"RUNNING"}""")).Status.ShouldBe(HttpStatusCode.Created);

        async Task<JsonElement> ProblemAsync(HttpClient client, HttpMethod method, string path, HttpStatusCode expected, string code, string? json = null)
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            if (json is not null)
            {
                request.Content = Json(json);
            }

            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(expected, $"{method} {path}: {text}");
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", $"{method} {path}");
            using var document = JsonDocument.Parse(text);
            var problem = document.RootElement.Clone();
            problem.GetProperty("type").GetString().ShouldStartWith("https://tools.ietf.org/html/rfc", customMessage: text);
            problem.GetProperty("status").GetInt32().ShouldBe((int)expected);
            problem.GetProperty("code").GetString().ShouldBe(code, text);
            return problem;
        }

        await ProblemAsync(http, HttpMethod.Get, "/api/v0/no/such/endpoint", HttpStatusCode.NotFound, "no_such_endpoint");
        await ProblemAsync(anonymous, HttpMethod.Get, "/no/such/page", HttpStatusCode.NotFound, "no_such_endpoint");
        var wrongMethod = await ProblemAsync(http, HttpMethod.Delete, "/api/v0/workflows/wf-1", HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        wrongMethod.GetProperty("detail").GetString().ShouldBe("DELETE is not allowed on this path; allowed: GET, PUT");
        await ProblemAsync(anonymous, HttpMethod.Get, "/api/v0/workflows", HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAsync(http, HttpMethod.Get, "/api/v0/workflows/wf-404", HttpStatusCode.NotFound, "not_found");
        await ProblemAsync(http, HttpMethod.Get, "/api/v0/workflows/wf-1?verbose=1", HttpStatusCode.BadRequest, "invalid_request");
        await ProblemAsync(http, HttpMethod.Put, "/api/v0/workflows/wf-2", HttpStatusCode.RequestEntityTooLarge, "body_too_large", $$"""{"workflow_id":"orders","status":"RUNNING","input":"{{new string('x', 5000)}}"}""");

        // Kestrel answers these itself, before any middleware runs: a status and no body (docs/api.md says so).
        using var longUrl = await http.GetAsync(new Uri($"/api/v0/workflows/{new string('x', 9000)}", UriKind.Relative));
        longUrl.StatusCode.ShouldBe(HttpStatusCode.RequestUriTooLong);
        using var bigHeaders = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v0/workflows", UriKind.Relative));
        bigHeaders.Headers.Add("X-Padding", new string('x', 40_000));
        using var tooBig = await http.SendAsync(bigHeaders);
        tooBig.StatusCode.ShouldBe(HttpStatusCode.RequestHeaderFieldsTooLarge);
        (await RawHttp.SendAsync(api.Host.BaseAddress, "GET /api/v0/workflows HTTP/1.1 extra")).Status.ShouldBe(400);
        (await SendAsync(http, HttpMethod.Get, "/api/v0/workflows")).Body.GetProperty("items").GetArrayLength().ShouldBe(1);
    }

    [Theory, DatabaseData]
    public async Task Every_documented_route_refuses_a_query_parameter_it_does_not_take_before_writing_anything(DatabaseKind database)
    {
        await using var api = await ApiSession.StartAsync(database, "api_query");
        using var http = api.Client(api.AdminKey);
        var userId = await ArrangeAsync(http);
        var keyId = (await SendAsync(http, HttpMethod.Get, $"/api/v0/users/{userId}/keys")).Body.GetProperty("items")[0].GetProperty("id").GetString();
        var routes = DocumentedRoutes();
        routes.Count.ShouldBeGreaterThanOrEqualTo(36, "the endpoint table of docs/api.md");

        foreach (var (method, template) in routes)
        {
            var path = template.Replace("{workflow_exec_id}", "wf-1", StringComparison.Ordinal).Replace("{task_exec_id}", "t-1", StringComparison.Ordinal)
                .Replace("{user_id}", userId, StringComparison.Ordinal).Replace("{key_id}", keyId, StringComparison.Ordinal)
                .Replace("{kb}", "kb", StringComparison.Ordinal).Replace("{document_id}", "d", StringComparison.Ordinal);
            var (status, problem) = await SendAsync(http, method, $"/api/v0{path}?bogus=1", method == HttpMethod.Get || method == HttpMethod.Delete && !path.EndsWith("/chunks", StringComparison.Ordinal) ? null : "{}");
            status.ShouldBe(HttpStatusCode.BadRequest, $"{method} {path}: {problem}");
            problem.GetProperty("errors").TryGetProperty("bogus", out _).ShouldBeTrue($"{method} {path}: {problem}");
        }

        // Every refused request left everything as it was.
        Ids((await SendAsync(http, HttpMethod.Get, "/api/v0/workflows")).Body, "workflow_exec_id").ShouldBe(["wf-1"]);
        (await SendAsync(http, HttpMethod.Get, "/api/v0/workflows/wf-1")).Body.GetProperty("status").GetString().ShouldBe("RUNNING");
        (await SendAsync(http, HttpMethod.Get, $"/api/v0/users/{userId}")).Status.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(http, HttpMethod.Get, $"/api/v0/users/{userId}/keys")).Body.GetProperty("items").GetArrayLength().ShouldBe(1);
        Ids((await SendAsync(http, HttpMethod.Post, "/api/v0/knowledge/kb/search", """{"embedding":[1,0,0]}""")).Body, "id", "results").ShouldBe(["c-1"]);
    }

    [Theory, DatabaseData]
    public async Task A_read_back_that_fails_inside_a_write_rolls_the_write_back_so_a_5xx_never_follows_a_commit(DatabaseKind database)
    {
        await using var api = await ApiSession.StartAsync(database, "api_commit");
        using var http = api.Client(api.AdminKey);
        (await SendAsync(http, HttpMethod.Put, "/api/v0/workflows/legacy", """{"workflow_id":"orders","status":"RUNNING"}""")).Status.ShouldBe(HttpStatusCode.Created);

        // A row another program (or an older version) wrote deeper than this one reads back.
        await api.Cli.Database.ExecuteRawAsync($"UPDATE workflow_states SET input = '{Nested(200)}' WHERE workflow_exec_id = 'legacy'");

        foreach (var (method, path, body) in new[]
        {
            (HttpMethod.Put, "/api/v0/workflows/legacy/status", """{"status":"SUCCESS"}"""),
            (HttpMethod.Post, "/api/v0/workflows/legacy/usage", """{"usage":[{"provider":"openai","model":"gpt","prompt_tokens":1,"completion_tokens":1,"total_tokens":2}]}"""),
            (HttpMethod.Post, "/api/v0/workflows/legacy/complete", null),
        })
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : Json(body) };
            using var response = await http.SendAsync(request);
            ((int)response.StatusCode).ShouldBe(500, $"{method} {path}: {await response.Content.ReadAsStringAsync()}");
        }

        // None of the three was committed: the status and usage are as they were.
        await api.Cli.Database.ExecuteRawAsync("UPDATE workflow_states SET input = NULL WHERE workflow_exec_id = 'legacy'");
        var (_, workflow) = await SendAsync(http, HttpMethod.Get, "/api/v0/workflows/legacy");
        workflow.GetProperty("status").GetString().ShouldBe("RUNNING");
        workflow.GetProperty("usage").ValueKind.ShouldBe(JsonValueKind.Null);
        workflow.GetProperty("output").ValueKind.ShouldBe(JsonValueKind.Null);
        (await SendAsync(http, HttpMethod.Put, "/api/v0/workflows/legacy/status", """{"status":"SUCCESS"}""")).Body.GetProperty("status").GetString().ShouldBe("SUCCESS");
    }

    [Theory, DatabaseData]
    public async Task A_knowledge_base_beyond_its_vector_databases_dimension_limit_is_a_400_naming_the_limit(DatabaseKind database)
    {
        await using var api = await ApiSession.StartAsync(database, "api_dimension");
        using var http = api.Client(api.AdminKey);

        // The default store: pgvector on PostgreSQL, whose HNSW index takes 2,000 dimensions; the
        // embedded store on SQLite, which takes what the API does (16,000).
        var limit = database == DatabaseKind.Postgres ? 2000 : 16_000;
        var (status, problem) = await SendAsync(http, HttpMethod.Put, "/api/v0/knowledge/over", $$"""{"dimension":{{limit + 1}}}""");
        status.ShouldBe(HttpStatusCode.BadRequest, problem.ToString());
        ShouldName(problem, "dimension", $"is {limit + 1}; allowed: an integer from 1 to {limit}", "dimension");
        if (database == DatabaseKind.Postgres)
        {
            ShouldName(problem, "dimension", "with the pgvector vector database \"default\"", "dimension");
        }

        (await SendAsync(http, HttpMethod.Get, "/api/v0/knowledge/over")).Status.ShouldBe(HttpStatusCode.NotFound);
        (status, var created) = await SendAsync(http, HttpMethod.Put, "/api/v0/knowledge/at-limit", $$"""{"dimension":{{limit}}}""");
        status.ShouldBe(HttpStatusCode.Created, created.ToString());
    }

    [Fact]
    public async Task A_pgvector_database_configured_beyond_its_dimension_limit_is_a_configuration_error()
    {
        var directory = Directory.CreateTempSubdirectory("compozy-cli-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "compozy.yaml"), """
                database:
                  driver: postgres
                  host: db.invalid
                knowledge:
                  vector_dbs:
                    - id: docs
                      provider: pgvector
                      dimension: 2001
                """);
            var run = await CompozyProcess.RunAsync(directory, null, "start", "--port", "0");
            run.ExitCode.ShouldBe(2, run.ToString());
            run.Stderr.ShouldContain("knowledge.vector_dbs[0].dimension");
            run.Stderr.ShouldContain("allowed: an integer from 1 to 2000 with the pgvector provider");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The body of a task t2 of wf-1 with <paramref name="fields"/> added.</summary>
    private static string TaskBody(string fields) =>
        """{"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"t2","component":"task","status":"RUNNING",""" + fields.Trim() + "}";

    /// <summary>A workflow wf-1 with a tool task t-1, a knowledge base kb with chunk c-1, and a user dev@example.com with a key; returns the user's id.</summary>
    private static async Task<string> ArrangeAsync(HttpClient http)
    {
        (await SendAsync(http, HttpMethod.Put, "/api/v0/workflows/wf-1", """{"workflow_id":"orders","status":"RUNNING"}""")).Status.ShouldBe(HttpStatusCode.Created);
        (await SendAsync(http, HttpMethod.Put, "/api/v0/tasks/t-1", """{"workflow_exec_id":"wf-1","workflow_id":"orders","task_id":"t1","component":"task","status":"RUNNING","tool_id":"search"}""")).Status.ShouldBe(HttpStatusCode.Created);
        (await SendAsync(http, HttpMethod.Put, "/api/v0/knowledge/kb", """{"dimension":3}""")).Status.ShouldBe(HttpStatusCode.Created);
        (await SendAsync(http, HttpMethod.Post, "/api/v0/knowledge/kb/chunks", """{"chunks":[{"id":"c-1","document_id":"d","text":"t","embedding":[1,0,0]}]}""")).Status.ShouldBe(HttpStatusCode.OK);
        var (status, user) = await SendAsync(http, HttpMethod.Post, "/api/v0/users", """{"email":"dev@example.com"}""");
        status.ShouldBe(HttpStatusCode.Created);
        var userId = user.GetProperty("id").GetString()!;
        (await SendAsync(http, HttpMethod.Post, $"/api/v0/users/{userId}/keys")).Status.ShouldBe(HttpStatusCode.Created);
        return userId;
    }

    private static void ShouldName(JsonElement problem, string field, string says, string what)
    {
        problem.GetProperty("type").GetString().ShouldNotBeNullOrEmpty(what);
        problem.GetProperty("errors").TryGetProperty(field, out var messages).ShouldBeTrue($"{what}: {field} not named in {problem}");
        messages.EnumerateArray().Select(message => message.GetString()!).ShouldContain(message => message.Contains(says, StringComparison.Ordinal), $"{what}: {problem}");
    }

    private static string[] Ids(JsonElement body, string property, string list = "items") =>
        body.GetProperty(list).EnumerateArray().Select(item => item.GetProperty(property).GetString()!).ToArray();

    /// <summary>A JSON value nesting <paramref name="levels"/> levels: arrays and objects in turn, a string at the bottom.</summary>
    private static string Nested(int levels)
    {
        var text = new StringBuilder();
        for (var level = 0; level < levels; level++)
        {
            text.Append(level % 2 == 0 ? "{\"a\":" : "[");
        }

        text.Append("\"bottom\"");
        for (var level = levels - 1; level >= 0; level--)
        {
            text.Append(level % 2 == 0 ? '}' : ']');
        }

        return text.ToString();
    }

    private static int Depth(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => 1 + value.EnumerateObject().Select(property => Depth(property.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + value.EnumerateArray().Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    private static byte[] Utf8WithInvalidBytes(string before, string after) =>
        [.. Encoding.UTF8.GetBytes(before), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes(after)];

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendBytesAsync(HttpClient client, HttpMethod method, string path, byte[] body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBeLessThan(500, text);
        using var document = JsonDocument.Parse(text);
        return (response.StatusCode, document.RootElement.Clone());
    }

    /// <summary>Each row of the endpoint table of docs/api.md: its method and path, without the query.</summary>
    private static List<(HttpMethod Method, string Path)> DocumentedRoutes()
    {
        var page = File.ReadAllText(Path.Combine(DocumentationSession.RepositoryRoot, "docs", "api.md"));
        return RouteRow().Matches(page)
            .Select(match => (new HttpMethod(match.Groups["method"].Value), match.Groups["path"].Value.Split('?')[0]))
            .ToList();
    }

    [GeneratedRegex(@"^\| `(?<method>GET|PUT|POST|PATCH|DELETE) (?<path>/[^` ]*)`", RegexOptions.Multiline)]
    private static partial Regex RouteRow();
}
