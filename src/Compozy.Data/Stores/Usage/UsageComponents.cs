namespace Compozy.Data.Stores.Usage;

/// <summary>Component names of usage rows with a meaning to the stores.</summary>
public static class UsageComponents
{
    /// <summary>The row that holds a workflow's own usage; a summary leaves it out, as it would count its tasks twice.</summary>
    public const string Workflow = "workflow";
}
