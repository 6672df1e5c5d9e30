using Microsoft.Data.Sqlite;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>The non-generic face of <see cref="ExclusiveJob{T}"/> the writer loop runs.</summary>
internal interface IExclusiveJob
{
    Task RunAsync(SqliteConnection connection);
}
