namespace Compozy.Api.Responses;

/// <summary>
/// The body of every error answer (<c>application/problem+json</c>, RFC 9457), as the OpenAPI
/// document describes it; the server writes it through ASP.NET Core's problem details.
/// </summary>
public sealed class ProblemResponse
{
    /// <summary>A link to the definition of the HTTP status.</summary>
    public required string Type { get; init; }

    /// <summary>The status in words.</summary>
    public required string Title { get; init; }

    /// <summary>The HTTP status.</summary>
    public required int Status { get; init; }

    /// <summary>What went wrong, in one sentence; for a 400, every field's problem joined by <c>; </c>.</summary>
    public required string Detail { get; init; }

    /// <summary>A stable word to branch on, such as <c>invalid_request</c> or <c>not_found</c>; each response lists the codes of its status.</summary>
    public required string Code { get; init; }

    /// <summary>Only for a 400 (and a 404 caused by a body field): the messages of each bad field, by the field's name as in the request.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Errors { get; init; }

    /// <summary>The request's trace id, to find it in the server log.</summary>
    public required string TraceId { get; init; }
}
