using System.Text;

namespace Compozy.Data.Configuration;

/// <summary>
/// Expands <c>${VAR}</c> and <c>${VAR:-default}</c> in configuration values, as shells and
/// Compozy do; <c>$${</c> writes a literal <c>${</c>. A variable that is unset (or empty) and has
/// no default is an error rather than an empty string: an empty password or host is never what
/// the operator meant.
/// </summary>
public static class EnvironmentInterpolation
{
    /// <summary>Expands <paramref name="text"/>; on failure <paramref name="error"/> says which variable is missing.</summary>
    public static bool TryExpand(string text, Func<string, string?> getVariable, out string expanded, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(getVariable);
        error = null;
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            expanded = text;
            return true;
        }

        var builder = new StringBuilder(text.Length);
        var index = 0;
        while (index < text.Length)
        {
            if (text.AsSpan(index).StartsWith("$${", StringComparison.Ordinal))
            {
                builder.Append("${");
                index += 3;
                continue;
            }

            if (!text.AsSpan(index).StartsWith("${", StringComparison.Ordinal))
            {
                builder.Append(text[index]);
                index++;
                continue;
            }

            var close = text.IndexOf('}', index + 2);
            if (close < 0)
            {
                expanded = text;
                error = $"has an unterminated ${{...}} at character {index + 1}";
                return false;
            }

            var body = text[(index + 2)..close];
            var separator = body.IndexOf(":-", StringComparison.Ordinal);
            var name = separator < 0 ? body : body[..separator];
            if (!IsVariableName(name))
            {
                expanded = text;
                // The text between the braces is not echoed: in a secret's value it may be the secret.
                error = "has a ${...} whose name is not an environment variable name (letters, digits and _, not starting with a digit)";
                return false;
            }

            var value = getVariable(name);
            if (string.IsNullOrEmpty(value))
            {
                if (separator < 0)
                {
                    expanded = text;
                    error = $"refers to environment variable {name}, which is not set; set it or write ${{{name}:-default}}";
                    return false;
                }

                value = body[(separator + 2)..];
            }

            builder.Append(value);
            index = close + 1;
        }

        expanded = builder.ToString();
        return true;
    }

    private static bool IsVariableName(string name) =>
        name.Length > 0
        && !char.IsAsciiDigit(name[0])
        && name.All(character => char.IsAsciiLetterOrDigit(character) || character == '_');
}
