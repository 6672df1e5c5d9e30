namespace Compozy.Data.Stores.Auth;

/// <summary>
/// The rule a user's email must follow, the same for the store, the API and the CLI, so that a
/// caller can refuse a bad address before it opens or creates anything.
/// </summary>
public static class EmailAddress
{
    /// <summary>The longest email accepted, in characters (RFC 5321's path limit).</summary>
    public const int MaxLength = 320;

    /// <summary>What is allowed, for error messages.</summary>
    public const string Rule = "local@domain, at most 320 characters, no spaces";

    /// <summary>
    /// Whether <paramref name="email"/> is acceptable: one <c>@</c> with text on both sides, no
    /// whitespace or control character, at most <see cref="MaxLength"/> characters once leading
    /// and trailing spaces are removed. <paramref name="normalized"/> is the trimmed address.
    /// </summary>
    public static bool TryNormalize(string? email, out string normalized)
    {
        normalized = email?.Trim() ?? string.Empty;
        var at = normalized.IndexOf('@', StringComparison.Ordinal);
        return normalized.Length <= MaxLength
            && at > 0
            && at < normalized.Length - 1
            && normalized.IndexOf('@', at + 1) < 0
            && !normalized.Any(character => char.IsWhiteSpace(character) || char.IsControl(character));
    }
}
