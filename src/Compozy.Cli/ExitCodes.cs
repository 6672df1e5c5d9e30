namespace Compozy.Cli;

/// <summary>Process exit codes of <c>compozy</c>, documented in docs/cli.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>The command ran and failed: database unreachable, a migration failed, the host could not start.</summary>
    public const int Failure = 1;

    /// <summary>Invalid configuration or usage (bad flag, key or value); nothing was touched.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>
    /// The database schema is not current and the command may not change it (<c>start</c> with
    /// <c>auto_migrate: false</c>, <c>db export|import</c>), or a schema or dump comes from a newer build.
    /// </summary>
    public const int SchemaNotCurrent = 3;

    /// <summary>
    /// The database is damaged: it failed the startup integrity check of a command that writes
    /// (left untouched), or a read or write met damage the provider reports as such.
    /// </summary>
    public const int DatabaseDamaged = 4;

    /// <summary>
    /// The database is in use by another process and the command needs it alone
    /// (<c>db restore</c> or <c>db import</c> while a host, <c>migrate</c> or <c>db maintenance</c> has it open); nothing was changed.
    /// </summary>
    public const int DatabaseInUse = 5;

    /// <summary>
    /// The command does not apply to the configured database (<c>db backup|restore</c> on
    /// PostgreSQL or on <c>:memory:</c>); the message says what does. Nothing was touched.
    /// </summary>
    public const int NotSupported = 6;

    /// <summary>
    /// <c>db recover</c> found the database sound (it passed <c>integrity_check</c>): there is
    /// nothing to recover from, and nothing was changed.
    /// </summary>
    public const int NotDamaged = 7;
}
