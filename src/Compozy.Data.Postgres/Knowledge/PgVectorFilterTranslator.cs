using System.Text;
using System.Text.Json;
using Compozy.Data.Knowledge;
using Npgsql;
using NpgsqlTypes;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>
/// A search's metadata filter as PostgreSQL evaluates it: one <c>jsonb</c> object that a chunk's
/// metadata must contain (<c>metadata @&gt; @filter</c>), so each key must be present with an
/// equal value. Only scalars are allowed: containment of an object or array would match partially.
/// </summary>
internal sealed class PgVectorFilterTranslator(RelationalVectorStoreErrors errors)
{
    /// <summary>The parameter the condition refers to.</summary>
    public const string ParameterName = "filter";

    /// <summary>The condition a filtered search adds to its <c>WHERE</c>.</summary>
    public const string Condition = "metadata @> @" + ParameterName;

    /// <summary>The <c>jsonb</c> parameter of <see cref="Condition"/>, holding JSON from <see cref="ToJson"/>.</summary>
    public static NpgsqlParameter Parameter(string json) =>
        new(ParameterName, NpgsqlDbType.Jsonb) { Value = json };

    /// <summary>The filter as the JSON object the condition compares with, or <see langword="null"/> when it is empty.</summary>
    /// <exception cref="Compozy.Data.Knowledge.VectorStoreException">A value is not a string, number or boolean; the message names its key.</exception>
    public string? ToJson(IReadOnlyDictionary<string, JsonElement> filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.Count == 0)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (key, value) in filter)
            {
                if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                {
                    throw errors.Create(VectorStoreErrorKind.InvalidRequest, $"filter.{key} is a JSON {value.ValueKind.ToString().ToLowerInvariant()}; a filter compares metadata with strings, numbers and booleans");
                }

                json.WritePropertyName(key);
                value.WriteTo(json);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
