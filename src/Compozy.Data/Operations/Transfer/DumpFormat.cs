namespace Compozy.Data.Operations.Transfer;

/// <summary>The names and version of the dump format (docs/cli/db.md, "Dump format").</summary>
internal static class DumpFormat
{
    /// <summary>The <c>format</c> of the header line.</summary>
    public const string Name = "compozy-dump";

    /// <summary>The version this build writes and the only one it reads.</summary>
    public const int Version = 1;

    /// <summary>Rows written per transaction on import.</summary>
    public const int BatchRows = 500;
}
