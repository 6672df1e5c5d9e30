namespace Compozy.Data.Qdrant.Rest;

/// <summary><c>UpdateResult</c>, the answer to writes and index creation.</summary>
internal sealed class UpdateResultBody
{
    /// <summary>The value Qdrant reports once a write sent with <c>wait=true</c> is applied and searchable.</summary>
    public const string Completed = "completed";

    public long? OperationId { get; set; }

    /// <summary>An <c>UpdateStatus</c>: <c>acknowledged</c>, <c>completed</c> or <c>wait_timeout</c>.</summary>
    public string? Status { get; set; }
}
