using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Compozy.Data.Configuration;

/// <summary>Reads and validates <c>knowledge.vector_dbs</c>; rules that depend on the driver live in the providers.</summary>
internal static class VectorDatabaseOptionsReader
{
    private const string Section = "knowledge:vector_dbs";

    /// <summary>pgvector's limit for a <c>vector</c> column.</summary>
    private const int MaxDimension = 16_000;

    private static readonly string[] LocatingFields = ["provider", "id"];

    private static readonly string[] KnownFields = ["id", "provider", "url", "path", "dimension", "metric", "options"];

    public static KnowledgeOptions Read(ConfigurationReader reader)
    {
        var entries = reader.Configuration.GetSection(Section).GetChildren()
            .Where(child => int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .OrderBy(child => int.Parse(child.Key, CultureInfo.InvariantCulture))
            .ToList();
        if (entries.Count == 0 && reader.Configuration.GetSection(Section).Value is { Length: > 0 } scalar)
        {
            reader.AddProblem(Section, $"\"{scalar}\" is not a list; allowed: a list of vector databases, each with id, provider and dimension");
        }

        var seenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<VectorDatabaseOptions>();
        foreach (var entry in entries)
        {
            var index = int.Parse(entry.Key, CultureInfo.InvariantCulture);
            var prefix = $"{Section}:{index}";
            ReportUnknownFields(reader, entry, prefix);

            // A missing field has no source of its own; the entry's provider (or id, or any field) locates it.
            var entryOrigin = LocatingFields.Select(field => entry.GetSection(field))
                .Concat(entry.GetChildren())
                .Where(child => child.Value is not null)
                .Select(child => reader.DescribeOrigin(child.Path))
                .FirstOrDefault(origin => origin is not null);

            var id = reader.Read<string>($"{prefix}:id", ConfigurationValueType.Text());
            if (reader.ReadRaw($"{prefix}:id") is null)
            {
                reader.AddProblem($"{prefix}:id", "is missing; every vector database needs a unique id", entryOrigin);
            }
            else if (id is not null && seenIds.TryGetValue(id, out var firstIndex))
            {
                reader.AddProblem($"{prefix}:id", $"\"{id}\" is already used by knowledge.vector_dbs[{firstIndex}]; ids must be unique");
            }
            else if (id is not null)
            {
                seenIds[id] = index;
            }

            var provider = reader.Read<string>($"{prefix}:provider", ConfigurationValueType.Choice([.. VectorProviderNames.All]));
            if (reader.ReadRaw($"{prefix}:provider") is null)
            {
                reader.AddProblem($"{prefix}:provider", $"is missing; allowed: {string.Join(", ", VectorProviderNames.All)}", entryOrigin);
            }

            var dimension = reader.Read<int?>($"{prefix}:dimension", ConfigurationValueType.WholeNumber(1, MaxDimension));
            if (reader.ReadRaw($"{prefix}:dimension") is null)
            {
                reader.AddProblem($"{prefix}:dimension", $"is missing; allowed: an integer from 1 to {MaxDimension}, the size of the embeddings", entryOrigin);
            }

            var metric = reader.Read<string>($"{prefix}:metric", ConfigurationValueType.Choice([.. VectorMetrics.All]), VectorMetrics.Cosine);
            var url = ReadUrl(reader, $"{prefix}:url");
            var path = reader.Read<string>($"{prefix}:path", ConfigurationValueType.Text());

            if (provider == VectorProviderNames.Qdrant && reader.ReadRaw($"{prefix}:url") is null)
            {
                reader.AddProblem($"{prefix}:url", "is missing; the qdrant provider needs the server URL, for example http://localhost:6333", entryOrigin);
            }

            var options = entry.GetSection("options").GetChildren()
                .Where(child => child.Value is not null)
                .ToDictionary(child => child.Key, child => child.Value!, StringComparer.OrdinalIgnoreCase);

            result.Add(new VectorDatabaseOptions
            {
                Index = index,
                Id = id ?? string.Empty,
                Provider = provider ?? string.Empty,
                Url = url,
                Path = path,
                Dimension = dimension ?? 0,
                Metric = metric ?? VectorMetrics.Cosine,
                Options = options,
            });
        }

        return new KnowledgeOptions { VectorDatabases = result };
    }

    private static void ReportUnknownFields(ConfigurationReader reader, IConfigurationSection entry, string prefix)
    {
        foreach (var field in entry.GetChildren())
        {
            if (!KnownFields.Contains(field.Key, StringComparer.OrdinalIgnoreCase))
            {
                reader.AddProblem($"{prefix}:{field.Key}", $"is not a known setting; allowed: {string.Join(", ", KnownFields)}");
            }
        }
    }

    private static Uri? ReadUrl(ConfigurationReader reader, string path)
    {
        var raw = reader.ReadRaw(path);
        if (raw is null)
        {
            return null;
        }

        if (Uri.TryCreate(raw, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        reader.AddProblem(path, $"\"{raw}\" is not an absolute http or https URL; allowed: for example http://localhost:6333");
        return null;
    }
}
