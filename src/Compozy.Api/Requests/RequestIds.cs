using Compozy.Data.Errors;

namespace Compozy.Api.Requests;

/// <summary>The rules for ids in paths and bodies: 1 to 256 characters, no control characters.</summary>
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
    }

    /// <summary>Checks a path id and throws at once when it is bad.</summary>
    /// <exception cref="RequestValidationException">The id is not valid.</exception>
    public static string Path(string field, string value)
    {
        var problems = new RequestProblems();
        Check(problems, field, value);
        problems.ThrowIfAny();
        return value;
    }
}
