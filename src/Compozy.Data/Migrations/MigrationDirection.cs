namespace Compozy.Data.Migrations;

/// <summary>Direction of a migration step.</summary>
public enum MigrationDirection
{
    /// <summary>Applied.</summary>
    Up,

    /// <summary>Reverted.</summary>
    Down,
}
