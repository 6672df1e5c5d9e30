using System.Text.Json;

namespace Compozy.Data.Knowledge;

/// <summary>A nearest-neighbour search.</summary>
/// <param name="Embedding">Finite float32 values, exactly the knowledge base's dimension.</param>
/// <param name="TopK">How many results at most, from 1 to the store's limit.</param>
/// <param name="Filter">
/// Top-level metadata keys and the JSON scalar (string, number, boolean) each must equal; a chunk
/// whose metadata lacks a key does not match. Empty: no filter.
/// </param>
public sealed record VectorQuery(ReadOnlyMemory<float> Embedding, int TopK, IReadOnlyDictionary<string, JsonElement> Filter);
