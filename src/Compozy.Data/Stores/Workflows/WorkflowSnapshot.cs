using Compozy.Data.Entities;

namespace Compozy.Data.Stores.Workflows;

/// <summary>A workflow state with the latest state of each of its tasks, read in one transaction.</summary>
/// <param name="State">The workflow execution.</param>
/// <param name="Tasks">Its tasks by task id (the latest execution of each).</param>
public sealed record WorkflowSnapshot(WorkflowState State, IReadOnlyDictionary<string, TaskState> Tasks);
