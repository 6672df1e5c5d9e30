using System.Globalization;
using Compozy.Data.Errors;
using Microsoft.Data.Sqlite;

namespace Compozy.Data.Sqlite.Errors;

/// <summary>Classifies SQLite errors by primary and extended result code (sqlite3.h).</summary>
internal sealed class SqliteErrorClassifier : IDbErrorClassifier
{
    private const int Constraint = 19;
    private const int ConstraintCheck = 275;
    private const int ConstraintForeignKey = 787;
    private const int ConstraintNotNull = 1299;
    private const int ConstraintPrimaryKey = 1555;
    private const int ConstraintUnique = 2067;

    public DbErrorClassification? Classify(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case SqliteException sqlite:
                    return Classify(sqlite);
                case TimeoutException:
                    return new DbErrorClassification(DbErrorKind.Timeout, "timeout");
                case OperationCanceledException:
                    return new DbErrorClassification(DbErrorKind.Cancelled, "cancelled");
                default:
                    break;
            }
        }

        return null;
    }

    /// <summary>
    /// The file could not be opened (SQLITE_CANTOPEN, or the host's lost-file refusal) or read or
    /// written (SQLITE_IOERR). A timeout is not one: nothing stands between the host and the
    /// file but its filesystem, so a timeout is a caller's slow statement.
    /// </summary>
    public bool IsOutage(DbErrorClassification classification)
    {
        ArgumentNullException.ThrowIfNull(classification);
        return classification.Kind == DbErrorKind.ConnectionFailed;
    }

    private static DbErrorClassification Classify(SqliteException exception)
    {
        var code = string.Create(CultureInfo.InvariantCulture, $"SQLITE {exception.SqliteErrorCode}/{exception.SqliteExtendedErrorCode}");
        var kind = exception.SqliteErrorCode switch
        {
            Constraint => exception.SqliteExtendedErrorCode switch
            {
                ConstraintUnique or ConstraintPrimaryKey => DbErrorKind.UniqueConflict,
                ConstraintForeignKey => DbErrorKind.ForeignKey,
                ConstraintCheck or ConstraintNotNull => DbErrorKind.Check,
                _ => DbErrorKind.Check,
            },
            5 or 6 => DbErrorKind.Busy,
            8 => DbErrorKind.ReadOnly,
            9 => DbErrorKind.Cancelled,
            11 or 26 => DbErrorKind.Corrupt,
            13 => DbErrorKind.DiskFull,
            // I/O errors: the filesystem under the file failed (a FUSE or network mount gone,
            // a disk failing), which is the embedded database being out of reach.
            10 or 14 => DbErrorKind.ConnectionFailed,
            23 => DbErrorKind.AuthFailed,
            _ => DbErrorKind.Unknown,
        };
        return new DbErrorClassification(kind, code, ConstraintName(exception, kind));
    }

    // SQLite names a CHECK constraint in its message ("CHECK constraint failed: ck_x") and the
    // columns of a unique one; there is no structured field for it.
    private static string? ConstraintName(SqliteException exception, DbErrorKind kind)
    {
        if (kind is not (DbErrorKind.Check or DbErrorKind.UniqueConflict))
        {
            return null;
        }

        var colon = exception.Message.LastIndexOf("failed: ", StringComparison.Ordinal);
        return colon < 0 ? null : exception.Message[(colon + "failed: ".Length)..].TrimEnd('\'', '.');
    }
}
