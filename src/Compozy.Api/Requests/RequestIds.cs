using Compozy.Data.Errors;
using Compozy.Data.Persistence;

namespace Compozy.Api.Requests;

/// <summary>
/// The rules for ids in paths, bodies and queries: 1 to 256 characters of well-formed text, no
/// control characters, and not <c>.</c> or <c>..</c>, which a URL path cannot carry as an id.
/// </summary>
public static class RequestIds
{
    /// <summary>The longest id accepted.</summary>
    public const int MaxLength = 256;

    /// <summary>Records a problem with <paramref name="value"/>, if it has one.</summary>
    public static void Check(RequestProblems problems, string field, string? value)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (string.IsNullOrEmpty(value))
        {
            problems.Add(field, "is required and must not be empty");
        }
        else if (value.Length > MaxLength)
        {
            problems.Add(field, $"is {value.Length} characters long; allowed: at most {MaxLength}");
        }
        else if (value.Any(char.IsControl))
        {
            problems.Add(field, "contains control characters");
        }
        else if (StoredJson.TextProblem(value) is { } problem)
        {
            problems.Add(field, problem);
        }
        else if (value is "." or "..")
        {
            // Clients and servers resolve these as path steps, so the id could never be addressed.
            problems.Add(field, "cannot be written in a URL path ('.' and '..' are path steps); use another id");
        }
    }

    /// <summary>
    /// Checks a path id and throws at once when it is bad. <see cref="RequestTargetFilter"/> has
    /// already decoded and checked the ids of API routes; this keeps a handler safe on its own.
    /// </summary>
    /// <exception cref="RequestValidationException">The id is not valid.</exception>
    public static string Path(string field, string value)
    {
        var problems = new RequestProblems();
        Check(problems, field, value);
        problems.ThrowIfAny();
        return value;
    }
}
