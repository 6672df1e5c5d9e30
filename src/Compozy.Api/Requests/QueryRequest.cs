using System.Globalization;
using Compozy.Data.Errors;
using Compozy.Data.Persistence.Conventions;
using Compozy.Data.Stores;
using Microsoft.AspNetCore.Http;

namespace Compozy.Api.Requests;

/// <summary>Reads query parameters like <see cref="JsonRequest"/> reads a body: every problem by name, unknown parameters included.</summary>
public sealed class QueryRequest(IQueryCollection query)
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    /// <summary>The problems found so far.</summary>
    public RequestProblems Problems { get; } = new();

    /// <summary>A parameter given at most once.</summary>
    public string? Text(string name)
    {
        _read.Add(name);
        var values = query[name];
        if (values.Count > 1)
        {
            Problems.Add(name, "is given more than once");
        }

        return values.Count == 0 ? null : values[0];
    }

    /// <summary>An id parameter (see <see cref="RequestIds"/>).</summary>
    public string? Id(string name)
    {
        var value = Text(name);
        if (value is not null)
        {
            RequestIds.Check(Problems, name, value);
        }

        return value;
    }

    /// <summary>An enum parameter spelt as Compozy spells it.</summary>
    public TEnum? Enum<TEnum>(string name)
        where TEnum : struct, Enum
    {
        var value = Text(name);
        if (value is null)
        {
            return null;
        }

        if (StoredNames.TryParse<TEnum>(value, out var parsed))
        {
            return parsed;
        }

        Problems.Add(name, $"\"{value}\" is not allowed; allowed: {string.Join(", ", StoredNames.All<TEnum>())}");
        return null;
    }

    /// <summary><c>limit</c> and <c>after</c>: the page to read.</summary>
    public PageRequest Page()
    {
        var limit = Text("limit");
        var after = Text("after");
        var page = new PageRequest { After = after };
        if (limit is null)
        {
            return page;
        }

        if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 1 || parsed > PageRequest.MaxLimit)
        {
            Problems.Add("limit", $"\"{limit}\" is not allowed; allowed: an integer from 1 to {PageRequest.MaxLimit}");
            return page;
        }

        return page with { Limit = parsed };
    }

    /// <summary>Records unknown parameters, then throws if anything was wrong.</summary>
    /// <exception cref="RequestValidationException">A problem was recorded.</exception>
    public void Complete()
    {
        foreach (var name in query.Keys.Where(name => !_read.Contains(name)))
        {
            Problems.Add(name, $"is not a parameter of this request; allowed: {string.Join(", ", _read.Order(StringComparer.Ordinal))}");
        }

        Problems.ThrowIfAny();
    }
}
