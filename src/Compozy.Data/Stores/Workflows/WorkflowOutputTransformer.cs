using System.Text.Json;
using Compozy.Data.Entities;

namespace Compozy.Data.Stores.Workflows;

/// <summary>
/// Builds a workflow's output from its tasks when it completes. It runs inside the completing
/// transaction, possibly more than once when that transaction is retried, so it must be a pure
/// function of its input. Throwing marks the workflow FAILED with the
/// <c>OUTPUT_TRANSFORMATION_FAILED</c> error and the default output.
/// </summary>
/// <param name="workflow">The workflow state before completion.</param>
/// <param name="tasks">Its tasks by task id.</param>
public delegate JsonElement WorkflowOutputTransformer(WorkflowState workflow, IReadOnlyDictionary<string, TaskState> tasks);
