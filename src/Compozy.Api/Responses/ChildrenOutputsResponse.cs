using System.Text.Json;

namespace Compozy.Api.Responses;

/// <summary>The output of each direct child of a task, by the child's task id (<c>null</c> for a child without output).</summary>
public sealed record ChildrenOutputsResponse(IReadOnlyDictionary<string, JsonElement> Outputs);
