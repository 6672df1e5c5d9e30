namespace Compozy.Data.Configuration;

/// <summary>
/// A configuration error or warning: the key path, what is wrong with its value (with the value
/// itself unless it is a secret, and what is allowed), and the source that supplied it.
/// </summary>
/// <param name="Key">Dotted key path, for example <c>database.port</c> or <c>knowledge.vector_dbs[0].dimension</c>.</param>
/// <param name="Message">What is wrong and what is allowed.</param>
/// <param name="Source">Where the value came from (<c>compozy.yaml:4:9</c>, <c>environment variable DB_PORT</c>, <c>flag --db-port</c>), when known.</param>
public sealed record ConfigurationProblem(string Key, string Message, string? Source = null)
{
    /// <inheritdoc />
    public override string ToString() => Source is null ? $"{Key}: {Message}" : $"{Key}: {Message} (from {Source})";
}
