namespace Compozy.Api.Requests;

/// <summary>
/// Endpoint metadata: the endpoint reads query parameters itself, with <see cref="QueryRequest"/>,
/// which refuses the ones it does not know. Every other endpoint refuses them all
/// (<see cref="RequestTargetFilter"/>).
/// </summary>
/// <param name="Parameters">A class whose properties describe the parameters, for the OpenAPI document.</param>
internal sealed record TakesQueryParameters(Type Parameters);
