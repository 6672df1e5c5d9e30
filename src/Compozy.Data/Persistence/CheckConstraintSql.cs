namespace Compozy.Data.Persistence;

/// <summary>Builds CHECK constraint SQL that both SQLite and PostgreSQL accept as written.</summary>
internal static class CheckConstraintSql
{
    /// <summary><c>"column" IN ('a', 'b', ...)</c>.</summary>
    public static string In(string column, IEnumerable<string> allowed) =>
        $"\"{column}\" IN ({string.Join(", ", allowed.Select(value => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'"))})";
}
