using Compozy.Data.Stores.Usage;

namespace Compozy.Api.Requests.Bodies;

/// <summary>Usage to add to a workflow or task execution's usage.</summary>
/// <remarks>For the OpenAPI document only; the endpoint reads the body with <see cref="JsonRequest"/>.</remarks>
internal sealed class UsageBody
{
    /// <summary>The entries to add; an entry merges with the stored one of the same provider, model and source.</summary>
    public required IReadOnlyList<UsageEntry> Usage { get; init; }
}
