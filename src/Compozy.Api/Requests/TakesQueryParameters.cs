namespace Compozy.Api.Requests;

/// <summary>
/// Endpoint metadata: the endpoint reads query parameters itself, with <see cref="QueryRequest"/>,
/// which refuses the ones it does not know. Every other endpoint refuses them all
/// (<see cref="RequestTargetFilter"/>).
/// </summary>
internal sealed class TakesQueryParameters
{
    private TakesQueryParameters()
    {
    }

    /// <summary>The one instance, for <c>WithMetadata</c>.</summary>
    public static TakesQueryParameters Instance { get; } = new();
}
