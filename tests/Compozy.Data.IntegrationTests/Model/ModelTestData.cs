using System.Text.Json;
using Compozy.Data.Entities;

namespace Compozy.Data.IntegrationTests.Model;

/// <summary>Builders for valid rows; each call uses fresh ids so tests sharing a database never collide.</summary>
internal static class ModelTestData
{
    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static WorkflowState Workflow(string? id = null) => new()
    {
        WorkflowExecId = id ?? NewId("wf"),
        WorkflowId = "order-pipeline",
        Status = ExecutionStatus.Running,
        Input = Json("""{"order":42,"items":["a","b"]}"""),
        Usage = Json("""[{"provider":"openai","model":"gpt-4o","total_tokens":12}]"""),
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };

    public static TaskState TaskOf(WorkflowState workflow, string? parentId = null) => new()
    {
        TaskExecId = NewId("task"),
        TaskId = "summarize",
        Component = "task",
        Status = ExecutionStatus.Pending,
        WorkflowExecId = workflow.WorkflowExecId,
        WorkflowId = workflow.WorkflowId,
        ParentStateId = parentId,
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };
}
