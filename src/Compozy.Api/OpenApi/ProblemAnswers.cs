using Compozy.Api.Errors;

namespace Compozy.Api.OpenApi;

/// <summary>Endpoint metadata: problems the endpoint can answer (a group's and its own add up).</summary>
internal sealed record ProblemAnswers(IReadOnlyList<ProblemCode> Problems);
