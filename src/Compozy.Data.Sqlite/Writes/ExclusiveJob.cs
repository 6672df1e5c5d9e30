using Microsoft.Data.Sqlite;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>Work that needs the writer connection to itself, outside any transaction (migrations, checkpoints, maintenance).</summary>
internal abstract class ExclusiveJob(CancellationToken cancellationToken) : WriterItem(cancellationToken)
{
    /// <summary>Runs the job; <paramref name="verifyAfter"/> runs before its caller is answered and throws to fail it instead.</summary>
    public abstract Task RunAsync(SqliteConnection connection, Action verifyAfter);
}
