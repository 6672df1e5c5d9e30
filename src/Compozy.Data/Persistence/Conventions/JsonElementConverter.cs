using System.Text.Json;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Compozy.Data.Persistence.Conventions;

/// <summary>
/// Stores a <see cref="JsonElement"/> as its JSON text. The text is what the caller supplied
/// (SQLite keeps it verbatim; PostgreSQL's <c>jsonb</c> normalises whitespace and key order).
/// Reads accept values as deep as <see cref="StoredJson.MaxDepth"/>, the depth writes may store.
/// </summary>
public sealed class JsonElementConverter : ValueConverter<JsonElement, string>
{
    /// <summary>Creates the converter.</summary>
    public JsonElementConverter()
        : base(value => value.GetRawText(), text => Parse(text))
    {
    }

    /// <summary>Reads stored JSON text back into an element.</summary>
    /// <remarks>
    /// Public because the compiled models (<c>scripts/compiled-models.sh</c>) copy the converter's
    /// lambdas into the provider assemblies, where they call this method.
    /// </remarks>
    /// <exception cref="JsonException">The text is not JSON, or nests deeper than <see cref="StoredJson.MaxDepth"/>.</exception>
    public static JsonElement Parse(string text) =>
        // One parse into a document of its own, which needs no disposing: JsonDocument.Parse
        // followed by Clone parsed into pooled buffers and then copied them (every row read pays it).
        JsonElement.Parse(text, StoredJson.ReadOptions);
}
