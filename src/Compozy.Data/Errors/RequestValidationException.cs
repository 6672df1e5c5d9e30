namespace Compozy.Data.Errors;

/// <summary>
/// A request the layer refused before touching any data, with every problem by field
/// (<c>chunks[3].embedding</c>, <c>top_k</c>): the HTTP API answers it with 400 naming them.
/// </summary>
public sealed class RequestValidationException : Exception
{
    /// <summary>Creates the exception from problems by field; there must be at least one.</summary>
    public RequestValidationException(IReadOnlyDictionary<string, string[]> errors)
        : base(Describe(errors)) => Errors = errors;

    /// <summary>Creates the exception for one field.</summary>
    public RequestValidationException(string field, string problem)
        : this(new Dictionary<string, string[]> { [field] = [problem] })
    {
    }

    /// <summary>Creates the exception.</summary>
    public RequestValidationException()
        : this("request", "is not valid")
    {
    }

    /// <summary>Creates the exception.</summary>
    public RequestValidationException(string message)
        : this("request", message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RequestValidationException(string message, Exception innerException)
        : base(message, innerException) => Errors = new Dictionary<string, string[]> { ["request"] = [message] };

    /// <summary>Problems by field.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    private static string Describe(IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return string.Join("; ", errors.SelectMany(pair => pair.Value.Select(problem => $"{pair.Key}: {problem}")));
    }
}
