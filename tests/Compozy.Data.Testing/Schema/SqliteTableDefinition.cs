using System.Text;
using System.Text.RegularExpressions;

namespace Compozy.Data.Testing.Schema;

/// <summary>
/// What only a SQLite table's CREATE statement records: column collations, named CHECK
/// constraints, constraint names and AUTOINCREMENT. SQLite's PRAGMAs do not report them.
/// </summary>
internal sealed partial class SqliteTableDefinition
{
    public Dictionary<string, string> Collations { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, string> Checks { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> ConstraintNames { get; } = new(StringComparer.Ordinal);

    public bool AutoIncrement { get; private set; }

    public static SqliteTableDefinition Parse(string createTableSql)
    {
        var definition = new SqliteTableDefinition();
        var open = createTableSql.IndexOf('(', StringComparison.Ordinal);
        var close = createTableSql.LastIndexOf(')');
        foreach (var item in SplitTopLevel(createTableSql[(open + 1)..close]))
        {
            var text = item.Trim();
            if (text.StartsWith("CONSTRAINT", StringComparison.OrdinalIgnoreCase))
            {
                var match = ConstraintPattern().Match(text);
                definition.ConstraintNames.Add(match.Groups["name"].Value);
                if (match.Groups["kind"].Value.Equals("CHECK", StringComparison.OrdinalIgnoreCase))
                {
                    definition.Checks[match.Groups["name"].Value] = match.Groups["rest"].Value.Trim();
                }

                continue;
            }

            var column = ColumnPattern().Match(text);
            if (!column.Success)
            {
                continue;
            }

            var name = column.Groups["name"].Value;
            if (CollatePattern().Match(text) is { Success: true } collate)
            {
                definition.Collations[name] = collate.Groups["collation"].Value.ToUpperInvariant();
            }

            if (InlineConstraintPattern().Match(text) is { Success: true } inline)
            {
                definition.ConstraintNames.Add(inline.Groups["name"].Value);
            }

            definition.AutoIncrement |= text.Contains("AUTOINCREMENT", StringComparison.OrdinalIgnoreCase);
        }

        return definition;
    }

    private static IEnumerable<string> SplitTopLevel(string body)
    {
        var depth = 0;
        var quote = '\0';
        var current = new StringBuilder();
        foreach (var character in body)
        {
            if (quote != '\0')
            {
                quote = character == quote ? '\0' : quote;
            }
            else if (character is '\'' or '"')
            {
                quote = character;
            }
            else if (character == '(')
            {
                depth++;
            }
            else if (character == ')')
            {
                depth--;
            }
            else if (character == ',' && depth == 0)
            {
                yield return current.ToString();
                current.Clear();
                continue;
            }

            current.Append(character);
        }

        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }

    [GeneratedRegex("""^CONSTRAINT\s+"?(?<name>[^"\s]+)"?\s+(?<kind>CHECK|FOREIGN\s+KEY|PRIMARY\s+KEY|UNIQUE)\s*(?<rest>.*)$""", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ConstraintPattern();

    [GeneratedRegex("""^"(?<name>[^"]+)"\s""")]
    private static partial Regex ColumnPattern();

    [GeneratedRegex("""\bCOLLATE\s+(?<collation>\w+)""", RegexOptions.IgnoreCase)]
    private static partial Regex CollatePattern();

    [GeneratedRegex("""\bCONSTRAINT\s+"(?<name>[^"]+)"\s+PRIMARY\s+KEY""", RegexOptions.IgnoreCase)]
    private static partial Regex InlineConstraintPattern();
}
