namespace Compozy.Cli.Hosting;

/// <summary>What a configuration reload did.</summary>
internal enum ConfigurationReloadOutcome
{
    /// <summary>The file changed but no setting did.</summary>
    Unchanged,

    /// <summary>Only live settings changed, and the running services have them.</summary>
    Applied,

    /// <summary>The edited configuration is invalid; nothing was applied.</summary>
    RefusedInvalid,

    /// <summary>A setting that needs a restart changed; nothing was applied.</summary>
    RefusedNeedsRestart,
}
