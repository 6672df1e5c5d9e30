using System.Text.Json;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// The row every commit-rate scenario inserts: one workflow execution with a small JSON input,
/// the same bytes whether written raw or through the layer.
/// </summary>
internal static class SampleWorkflow
{
    public const string WorkflowId = "bench-workflow";

    public const string InputJson = """{"request_id":"req-0001","user":"bench@example.com","prompt":"summarise the attached report","max_tokens":512}""";

    public static readonly JsonElement Input = JsonDocument.Parse(InputJson).RootElement.Clone();

    /// <summary>Time-ordered ids, so the primary key grows at its right edge as real ids do.</summary>
    public static string NewExecId() => Guid.CreateVersion7().ToString();
}
