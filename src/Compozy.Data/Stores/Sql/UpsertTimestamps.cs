namespace Compozy.Data.Stores.Sql;

/// <summary>The timestamps an upsert writes: both on insert; an existing row keeps its <c>created_at</c>.</summary>
internal static class UpsertTimestamps
{
    public static Dictionary<string, object?> At(DateTime now) => new(StringComparer.Ordinal)
    {
        ["created_at"] = now,
        ["updated_at"] = now,
    };
}
