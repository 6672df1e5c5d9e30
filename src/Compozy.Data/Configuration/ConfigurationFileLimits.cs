namespace Compozy.Data.Configuration;

/// <summary>
/// Bounds on the configuration file, so that no file (a device, a huge or deeply nested
/// document, an alias bomb) can exhaust memory, the stack or time before it is refused.
/// A real configuration is a few kilobytes, five levels deep, with a few hundred values.
/// </summary>
internal static class ConfigurationFileLimits
{
    /// <summary>Largest file read, in bytes (1 MiB).</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>Deepest nesting of mappings and lists.</summary>
    public const int MaxDepth = 32;

    /// <summary>Most values, keys and collections once every alias is expanded.</summary>
    public const int MaxNodes = 100_000;
}
