using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// A Qdrant stand-in for tests, as an <see cref="HttpMessageHandler"/>: records every request,
/// matches it to the spec's operation, and answers with a body built from that operation's
/// response schema (plus the values a test sets), checked against the schema before it is sent.
/// <see cref="Violations"/> then says where a request strays from the spec.
/// </summary>
public sealed class QdrantContractServer : HttpMessageHandler
{
    public static readonly Uri BaseAddress = new("http://qdrant.test:6333/");

    private readonly QdrantOpenApi _spec = QdrantOpenApi.Instance;
    private readonly QdrantSchemaExamples _examples;
    private readonly QdrantSchemaValidator _validator;
    private readonly ConcurrentQueue<QdrantRecordedRequest> _requests = new();
    private readonly Dictionary<string, Queue<QdrantCannedAnswer>> _answers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QdrantCannedAnswer> _defaults = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>A server whose collection exists with <paramref name="size"/> and <paramref name="distance"/>.</summary>
    public QdrantContractServer(int size = 4, string distance = "Cosine")
    {
        _examples = new QdrantSchemaExamples(_spec);
        _validator = new QdrantSchemaValidator(_spec);
        SetDefault("collection_exists", new QdrantCannedAnswer(Shape: body => body["result"]!["exists"] = true));
        SetDefault("get_collection", new QdrantCannedAnswer(Shape: body => body["result"]!["config"]!["params"]!["vectors"] = new JsonObject { ["size"] = size, ["distance"] = distance }));
        SetDefault("create_collection", new QdrantCannedAnswer(Shape: body => body["result"] = true));
        foreach (var write in new[] { "create_field_index", "upsert_points", "delete_points" })
        {
            SetDefault(write, new QdrantCannedAnswer(Shape: body => body["result"]!["status"] = "completed"));
        }

        SetDefault("query_points", new QdrantCannedAnswer(Shape: body => body["result"]!["points"] = new JsonArray()));
    }

    public IReadOnlyList<QdrantRecordedRequest> Requests => [.. _requests];

    /// <summary>The answer to every later request of <paramref name="operationId"/> that has no queued answer.</summary>
    public void SetDefault(string operationId, QdrantCannedAnswer answer)
    {
        lock (_gate)
        {
            _defaults[operationId] = answer;
        }
    }

    /// <summary>Queues answers for the next requests of <paramref name="operationId"/>, in order.</summary>
    public void Enqueue(string operationId, params QdrantCannedAnswer[] answers)
    {
        lock (_gate)
        {
            if (!_answers.TryGetValue(operationId, out var queue))
            {
                _answers[operationId] = queue = new Queue<QdrantCannedAnswer>();
            }

            foreach (var answer in answers)
            {
                queue.Enqueue(answer);
            }
        }
    }

    public IReadOnlyList<QdrantRecordedRequest> RequestsOf(string operationId) =>
        [.. Requests.Where(request => request.OperationId == operationId)];

    /// <summary>
    /// Where <paramref name="request"/> departs from the spec: no operation with its method and path,
    /// a query parameter the operation does not define or a value of the wrong type, a body the
    /// operation does not take or that does not validate against its request schema.
    /// </summary>
    public IReadOnlyList<string> Violations(QdrantRecordedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Operation is not { } operation)
        {
            return [$"{request.Method} {request.Path}: no operation of the spec has this method and path"];
        }

        var problems = new List<string>();
        var parameters = operation.QueryParameters;
        foreach (var (name, raw) in request.Query)
        {
            if (!parameters.TryGetValue(name, out var schema))
            {
                problems.Add($"{operation}: query parameter \"{name}\" is not defined (defined: {string.Join(", ", parameters.Keys)})");
                continue;
            }

            problems.AddRange(_validator.Validate(QueryValue(raw, schema), schema).Select(problem => $"{operation}: query {name}={raw}: {problem}"));
        }

        foreach (var name in operation.PathParameterNames)
        {
            if (!operation.PathParameters.TryGetValue(name, out var value) || value.Length == 0)
            {
                problems.Add($"{operation}: path parameter {name} is empty");
            }
        }

        var requestSchema = operation.RequestSchema;
        if (request.Body is not null && requestSchema is null)
        {
            problems.Add($"{operation}: sends a body but the operation takes none");
        }
        else if (request.Body is not null && requestSchema is { } bodySchema)
        {
            problems.AddRange(_validator.Validate(request.Json, bodySchema).Select(problem => $"{operation}: body {problem}"));
        }

        return problems;
    }

    /// <summary>Every violation of every request so far, one per line (empty when all conform).</summary>
    public string AllViolations() =>
        string.Join(Environment.NewLine, Requests.SelectMany(Violations));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new InvalidOperationException("no request URI");
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = "/" + uri.AbsolutePath[BaseAddress.AbsolutePath.Length..];
        var query = uri.Query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(parts => KeyValuePair.Create(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty))
            .ToList();
        var headers = request.Headers.ToDictionary(header => header.Key, header => string.Join(",", header.Value), StringComparer.OrdinalIgnoreCase);
        var operation = _spec.FindOperation(request.Method, path);
        _requests.Enqueue(new QdrantRecordedRequest(request.Method, path, query, headers, body, operation));

        if (operation is null)
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("no such route", Encoding.UTF8, "text/plain") };
        }

        var answer = Next(operation.OperationId);
        if (answer.Failure is not null)
        {
            throw answer.Failure;
        }

        if (answer.Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        var response = new HttpResponseMessage((HttpStatusCode)answer.Status)
        {
            Content = answer.RawBody is not null
                ? new StringContent(answer.RawBody, Encoding.UTF8, "text/html")
                : new StringContent(Build(operation, answer), Encoding.UTF8, "application/json"),
        };
        if (answer.RetryAfter is { } seconds)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        }

        return response;
    }

    private QdrantCannedAnswer Next(string operationId)
    {
        lock (_gate)
        {
            if (_answers.TryGetValue(operationId, out var queue) && queue.TryDequeue(out var answer))
            {
                return answer;
            }

            return _defaults.TryGetValue(operationId, out var fallback) ? fallback : new QdrantCannedAnswer();
        }
    }

    /// <summary>A body from the operation's schema for the status, shaped by the test, and refused if the shaping broke it.</summary>
    private string Build(QdrantOperation operation, QdrantCannedAnswer answer)
    {
        var schema = answer.Status is >= 200 and < 300 ? operation.ResponseSchema("200") : operation.ErrorSchema(answer.Status);
        var node = _examples.Build(schema) ?? throw new InvalidOperationException($"{operation}: the response schema builds null");
        answer.Shape?.Invoke(node);
        var json = node.ToJsonString();
        using var document = JsonDocument.Parse(json);
        var problems = _validator.Validate(document.RootElement, schema);
        return problems.Count == 0
            ? json
            : throw new InvalidOperationException($"{operation}: the test's answer is not valid for the spec:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }

    private JsonElement QueryValue(string raw, JsonElement schema)
    {
        var resolved = _spec.Resolve(schema);
        var type = resolved.TryGetProperty("type", out var declared) ? declared.GetString() : null;
        if (type is "boolean" or "integer" or "number")
        {
            try
            {
                return JsonDocument.Parse(raw).RootElement;
            }
            catch (JsonException)
            {
                // Not a JSON literal at all: validate it as the string it is, which the type check rejects.
            }
        }

        return JsonSerializer.SerializeToElement(raw);
    }
}
