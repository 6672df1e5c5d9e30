namespace Compozy.Data.Persistence;

/// <summary>What a JSON column must hold; each provider turns it into a CHECK or a column type.</summary>
public enum JsonShape
{
    /// <summary>Any well-formed JSON value.</summary>
    Any,

    /// <summary>A JSON array.</summary>
    Array,

    /// <summary>A JSON object (a mapping of keys to values).</summary>
    Mapping,
}
