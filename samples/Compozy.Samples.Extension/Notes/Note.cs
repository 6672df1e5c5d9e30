namespace Compozy.Samples.Extension.Notes;

/// <summary>A reviewer's note on a workflow execution: the team's own entity, in its own table.</summary>
public sealed class Note
{
    public long Id { get; set; }

    /// <summary>The workflow execution the note is about (Compozy's <c>workflow_states</c>).</summary>
    public required string WorkflowExecId { get; set; }

    public required string Text { get; set; }

    /// <summary>UTC: PostgreSQL's <c>timestamptz</c> takes only UTC values.</summary>
    public DateTime CreatedAt { get; set; }
}
