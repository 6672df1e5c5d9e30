namespace Compozy.Data.Qdrant.Rest;

/// <summary>
/// One <c>Condition</c>: a <c>FieldCondition</c> (<see cref="Key"/> with <see cref="Match"/> or
/// <see cref="Range"/>) or a <c>HasIdCondition</c> (<see cref="HasId"/>). Unset members are not written.
/// </summary>
internal sealed class ConditionBody
{
    public string? Key { get; init; }

    public MatchValueBody? Match { get; init; }

    public RangeBody? Range { get; init; }

    public IReadOnlyList<string>? HasId { get; init; }
}
