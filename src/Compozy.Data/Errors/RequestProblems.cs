namespace Compozy.Data.Errors;

/// <summary>Collects problems by field while a request is checked, then throws them together.</summary>
public sealed class RequestProblems
{
    private readonly Dictionary<string, List<string>> _problems = new(StringComparer.Ordinal);

    /// <summary>Whether nothing was found wrong.</summary>
    public bool IsEmpty => _problems.Count == 0;

    /// <summary>Records a problem of <paramref name="field"/>.</summary>
    public void Add(string field, string problem)
    {
        if (!_problems.TryGetValue(field, out var list))
        {
            _problems[field] = list = [];
        }

        list.Add(problem);
    }

    /// <summary>Throws <see cref="RequestValidationException"/> with every problem, if there is one.</summary>
    public void ThrowIfAny()
    {
        if (!IsEmpty)
        {
            throw new RequestValidationException(_problems.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal));
        }
    }
}
