namespace Compozy.Data.Operations;

/// <summary>
/// What a provider reports about its database, as ordered name/value facts (names are
/// snake_case; values are strings, numbers, booleans or null) so that the CLI can print them as a
/// table or as JSON without knowing the provider.
/// </summary>
/// <param name="Facts">The facts, in display order.</param>
public sealed record DatabaseReport(IReadOnlyList<KeyValuePair<string, object?>> Facts)
{
    /// <summary>The value of <paramref name="name"/>, or <see langword="null"/>.</summary>
    public object? this[string name] => Facts.FirstOrDefault(fact => fact.Key == name).Value;
}
