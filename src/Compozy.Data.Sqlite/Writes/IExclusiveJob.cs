using Microsoft.Data.Sqlite;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>The non-generic face of <see cref="ExclusiveJob{T}"/> the writer loop runs.</summary>
internal interface IExclusiveJob
{
    /// <summary>Runs the job; <paramref name="verifyAfter"/> runs before its caller is answered and throws to fail it instead.</summary>
    Task RunAsync(SqliteConnection connection, Action verifyAfter);
}
