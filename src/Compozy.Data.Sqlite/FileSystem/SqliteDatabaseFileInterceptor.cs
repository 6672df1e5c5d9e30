using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>
/// Refuses to open a read connection once the database file is lost, and checks the file on
/// each open (<see cref="SqliteDatabaseFileGuard.VerifyBeforeRead"/>), so that reads answer what
/// they can no longer be trusted to answer: an error, not rows of a deleted file or of a file
/// moved into its place.
/// </summary>
internal sealed class SqliteDatabaseFileInterceptor(SqliteDatabaseFileGuard guard) : DbConnectionInterceptor
{
    public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Check();
        return result;
    }

    public override ValueTask<InterceptionResult> ConnectionOpeningAsync(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Check();
        return ValueTask.FromResult(result);
    }

    private void Check()
    {
        if (!guard.VerifyBeforeRead())
        {
            throw SqliteDatabaseFileGuard.LostError();
        }
    }
}
