namespace Compozy.Data.Stores;

/// <summary>Limits the stores apply.</summary>
public sealed class StoreOptions
{
    /// <summary>
    /// How many levels below its root <c>GetTaskTree</c> follows (Compozy's
    /// <c>max_task_context_depth</c> default). Deeper tasks are left out, which also stops a
    /// parent cycle written by mistake from looping.
    /// </summary>
    public int TaskTreeMaxDepth { get; set; } = 100;
}
