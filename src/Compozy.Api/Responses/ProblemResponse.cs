namespace Compozy.Api.Responses;

/// <summary>
/// The body of every error answer (<c>application/problem+json</c>, RFC 9457), as the OpenAPI
/// document describes it. The server writes it through ASP.NET Core's problem details.
/// </summary>
/// <param name="Type">A link to the definition of the HTTP status.</param>
/// <param name="Title">The status in words.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Detail">What went wrong, in one sentence; for a 400, every field's problem joined by <c>; </c>.</param>
/// <param name="Code">A stable word to branch on, such as <c>invalid_request</c> or <c>not_found</c>.</param>
/// <param name="Errors">For a 400 (and a 404 caused by a body field): the messages of each bad field, by the field's name as in the request.</param>
/// <param name="TraceId">The request's trace id, to find it in the server log.</param>
public sealed record ProblemResponse(
    string Type,
    string Title,
    int Status,
    string Detail,
    string Code,
    IReadOnlyDictionary<string, string[]>? Errors,
    string TraceId);
