using System.Globalization;
using System.Text;

namespace Compozy.Data.Configuration;

/// <summary>
/// Expands <c>${VAR}</c> and <c>${VAR:-default}</c> in configuration values, as shells and
/// Compozy do; <c>$${</c> writes a literal <c>${</c>. A default may itself hold references
/// (<c>${A:-${B}}</c>), up to <see cref="MaxNesting"/> deep; it is only expanded when it is
/// used. A variable that is unset (or empty) and has no default is an error rather than an empty
/// string: an empty password or host is never what the operator meant. A variable's value is
/// taken as it is, never expanded again.
/// </summary>
public static class EnvironmentInterpolation
{
    /// <summary>How deep references may nest inside defaults (<c>${A:-${B:-${C}}}</c> is 3).</summary>
    public const int MaxNesting = 8;

    private const string NameRule = "has a ${...} whose name is not an environment variable name (letters, digits and _, not starting with a digit)";

    /// <summary>Expands <paramref name="text"/>; on failure <paramref name="error"/> says which variable is missing or what is malformed.</summary>
    public static bool TryExpand(string text, Func<string, string?> getVariable, out string expanded, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(getVariable);
        expanded = text;
        error = null;
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return true;
        }

        var builder = new StringBuilder(text.Length);
        var index = 0;
        while (index < text.Length)
        {
            if (!TryExpandNext(text, ref index, getVariable, depth: 0, evaluate: true, builder, out error))
            {
                return false;
            }
        }

        expanded = builder.ToString();
        return true;
    }

    // Appends what starts at `index` (an escape, a reference, or one character) and moves past it.
    // With `evaluate` false (a default that is not used) references are parsed but not looked up.
    private static bool TryExpandNext(string text, ref int index, Func<string, string?> getVariable, int depth, bool evaluate, StringBuilder output, out string? error)
    {
        error = null;
        if (text.AsSpan(index).StartsWith("$${", StringComparison.Ordinal))
        {
            output.Append("${");
            index += 3;
            return true;
        }

        if (!text.AsSpan(index).StartsWith("${", StringComparison.Ordinal))
        {
            output.Append(text[index]);
            index++;
            return true;
        }

        return TryExpandReference(text, ref index, getVariable, depth, evaluate, output, out error);
    }

    // `text[index..]` starts with "${". A reference ends at the first '}' that closes no nested
    // reference; its name ends at the first ":-" or '}'.
    private static bool TryExpandReference(string text, ref int index, Func<string, string?> getVariable, int depth, bool evaluate, StringBuilder output, out string? error)
    {
        error = null;
        var start = index;
        if (depth >= MaxNesting)
        {
            error = string.Create(
                CultureInfo.InvariantCulture,
                $"nests ${{...}} in defaults more than {MaxNesting} deep at character {start + 1}; allowed: at most {MaxNesting} levels, as in ${{A:-${{B}}}}");
            return false;
        }

        var nameStart = start + 2;
        var nameEnd = nameStart;
        while (nameEnd < text.Length && text[nameEnd] != '}' && !text.AsSpan(nameEnd).StartsWith(":-", StringComparison.Ordinal))
        {
            nameEnd++;
        }

        if (nameEnd >= text.Length)
        {
            error = Unterminated(start);
            return false;
        }

        var name = text[nameStart..nameEnd];
        if (!IsVariableName(name))
        {
            // The text between the braces is not echoed: in a secret's value it may be the secret.
            error = NameRule;
            return false;
        }

        var value = evaluate ? getVariable(name) : null;
        var useDefault = string.IsNullOrEmpty(value);
        if (text[nameEnd] == '}')
        {
            if (evaluate && useDefault)
            {
                error = $"refers to environment variable {name}, which is not set; set it or write ${{{name}:-default}}";
                return false;
            }

            output.Append(value);
            index = nameEnd + 1;
            return true;
        }

        // A default: parsed in full to find its end, expanded only when the variable is unset.
        var position = nameEnd + 2;
        var fallback = new StringBuilder();
        while (position < text.Length && text[position] != '}')
        {
            if (!TryExpandNext(text, ref position, getVariable, depth + 1, evaluate && useDefault, fallback, out error))
            {
                return false;
            }
        }

        if (position >= text.Length)
        {
            error = Unterminated(start);
            return false;
        }

        output.Append(useDefault ? fallback.ToString() : value);
        index = position + 1;
        return true;
    }

    private static string Unterminated(int start) =>
        string.Create(CultureInfo.InvariantCulture, $"has an unterminated ${{...}} at character {start + 1}");

    private static bool IsVariableName(string name) =>
        name.Length > 0
        && !char.IsAsciiDigit(name[0])
        && name.All(character => char.IsAsciiLetterOrDigit(character) || character == '_');
}
