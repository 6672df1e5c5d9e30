using System.Globalization;
using Compozy.Data.Knowledge;
using Compozy.Data.Persistence.Conventions;
using Microsoft.Extensions.Configuration;

namespace Compozy.Data.Configuration;

/// <summary>
/// Reads and validates <c>knowledge.vector_dbs</c>: the fields every entry has here, and what only
/// a provider knows (its options, the drivers it works with) through
/// <see cref="IVectorStoreProvider.Validate"/>.
/// </summary>
internal static class VectorDatabaseOptionsReader
{
    private const string Section = "knowledge:vector_dbs";

    /// <summary>pgvector's limit for a <c>vector</c> column.</summary>
    private const int MaxDimension = 16_000;

    private static readonly string[] LocatingFields = ["provider", "id"];

    private static readonly string[] KnownFields = ["id", "provider", "url", "path", "dimension", "metric", "options"];

    public static KnowledgeOptions Read(ConfigurationReader reader, IReadOnlyList<IVectorStoreProvider> providers, string driver)
    {
        var names = providers.Select(provider => provider.Name).Concat(providers.SelectMany(provider => provider.Aliases)).ToArray();
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

            var written = reader.Read<string>($"{prefix}:provider", ConfigurationValueType.Choice(names));
            if (reader.ReadRaw($"{prefix}:provider") is null)
            {
                reader.AddProblem($"{prefix}:provider", $"is missing; allowed: {string.Join(", ", names)}", entryOrigin);
            }

            var provider = providers.FirstOrDefault(candidate => candidate.Name == written || candidate.Aliases.Contains(written));
            if (provider is not null && provider.Name != written)
            {
                reader.AddWarning($"{prefix}:provider", $"\"{written}\" is read as \"{provider.Name}\"");
            }

            var dimension = reader.Read<int?>($"{prefix}:dimension", ConfigurationValueType.WholeNumber(1, MaxDimension));
            if (reader.ReadRaw($"{prefix}:dimension") is null)
            {
                reader.AddProblem($"{prefix}:dimension", $"is missing; allowed: an integer from 1 to {MaxDimension}, the size of the embeddings", entryOrigin);
            }

            var metric = reader.Read<string>($"{prefix}:metric", ConfigurationValueType.Choice([.. StoredNames.All<VectorMetric>()]), StoredNames.Of(VectorMetric.Cosine));
            var url = ReadUrl(reader, $"{prefix}:url");
            var path = reader.Read<string>($"{prefix}:path", ConfigurationValueType.Text());

            var optionValues = entry.GetSection("options").GetChildren()
                .Where(child => child.Value is not null)
                .ToDictionary(child => child.Key, child => child.Value!, StringComparer.OrdinalIgnoreCase);
            if (provider is not null)
            {
                ReportUnknownOptions(reader, entry, prefix, provider);
            }

            var maxTopK = reader.Read<int?>(
                $"{prefix}:options:{VectorStoreOptionNames.MaxTopK}",
                ConfigurationValueType.WholeNumber(1, VectorStoreOptionNames.MaxMaxTopK),
                VectorStoreOptionNames.DefaultMaxTopK.ToString(CultureInfo.InvariantCulture));

            var vectorDatabase = new VectorDatabaseOptions
            {
                Index = index,
                Id = id ?? string.Empty,
                Provider = provider?.Name ?? written ?? string.Empty,
                Url = url,
                Path = path,
                Dimension = dimension ?? 0,
                Metric = metric is not null && StoredNames.TryParse<VectorMetric>(metric, out var parsed) ? parsed : VectorMetric.Cosine,
                MaxTopK = maxTopK ?? VectorStoreOptionNames.DefaultMaxTopK,
                Options = optionValues,
            };
            provider?.Validate(reader, vectorDatabase, driver);
            result.Add(vectorDatabase);
        }

        if (result.Count == 0 && providers.FirstOrDefault(provider => provider.IsDefaultFor(driver)) is { } fallback)
        {
            result.Add(new VectorDatabaseOptions { Index = -1, Id = VectorDatabaseOptions.DefaultId, Provider = fallback.Name });
        }

        return new KnowledgeOptions { VectorDatabases = result };
    }

    private static void ReportUnknownOptions(ConfigurationReader reader, IConfigurationSection entry, string prefix, IVectorStoreProvider provider)
    {
        var allowed = VectorStoreOptionNames.Common.Concat(provider.OptionNames).ToList();
        foreach (var option in entry.GetSection("options").GetChildren())
        {
            if (!allowed.Contains(option.Key, StringComparer.OrdinalIgnoreCase))
            {
                reader.AddProblem($"{prefix}:options:{option.Key}", $"is not an option of the {provider.Name} provider; allowed: {string.Join(", ", allowed)}");
            }
        }
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
