namespace Compozy.Cli.Commands;

/// <summary>What a command does to the database, which decides what runs before it.</summary>
internal enum DatabaseAccess
{
    /// <summary>
    /// Reads only (<c>migrate status</c>, <c>db status</c>): safe next to a running host, never
    /// writes or checkpoints, so the startup checks, which may recover a WAL, do not run. Damage
    /// a read meets is reported with exit code 4.
    /// </summary>
    Read,

    /// <summary>
    /// Writes (<c>migrate up|down</c>, <c>auth bootstrap</c>, <c>db maintenance</c>): the
    /// provider's startup checks run first, as for <c>start</c>, and a damaged database is
    /// refused untouched with exit code 4.
    /// </summary>
    Write,
}
