namespace Compozy.Data.Sqlite.Knowledge;

/// <summary>One top-level key of a chunk's metadata and its value, as filters read it.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">Its value (objects and arrays are kept as non-scalars that match nothing).</param>
internal readonly record struct EmbeddedField(string Key, EmbeddedScalar Value);
