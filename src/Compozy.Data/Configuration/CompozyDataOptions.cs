namespace Compozy.Data.Configuration;

/// <summary>
/// The validated, provider-neutral settings of Compozy.Data. Provider settings (SQLite's path,
/// PostgreSQL's host...) are read and validated by the selected provider and registered as its
/// own options type.
/// </summary>
public sealed class CompozyDataOptions
{
    /// <summary>Database settings common to every driver.</summary>
    public DatabaseOptions Database { get; init; } = new();

    /// <summary>Knowledge (vector database) settings.</summary>
    public KnowledgeOptions Knowledge { get; init; } = new();
}
