using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Compozy.Api.Errors;

/// <summary>Writes RFC 9457 problem details (<c>application/problem+json</c>), the body of every error answer.</summary>
internal static class ApiProblem
{
    /// <summary>The answer of <paramref name="problem"/>, with its own status unless <paramref name="status"/> overrides it.</summary>
    public static IResult Of(ProblemCode problem, string detail, IReadOnlyDictionary<string, string[]>? errors = null, int? status = null) =>
        Of(status ?? problem.Status, problem.Code, detail, errors);

    private static IResult Of(int status, string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        return errors is null
            ? Results.Problem(detail: detail, statusCode: status, title: Title(status), type: TypeOf(status), extensions: extensions)
            : Results.ValidationProblem(errors.ToDictionary(), detail: detail, statusCode: status, title: Title(status), type: TypeOf(status), extensions: extensions);
    }

    /// <summary>
    /// The answer for a status the server set without a body: routing's 404 and 405, a 413 or a
    /// 400 the server raised itself (<c>UseStatusCodePages</c> calls this).
    /// </summary>
    public static IResult ForStatus(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var status = context.Response.StatusCode;
        return status switch
        {
            StatusCodes.Status404NotFound => Of(ProblemCode.NoSuchEndpoint, "no endpoint has this path; see docs/api.md"),
            StatusCodes.Status405MethodNotAllowed => Of(
                ProblemCode.MethodNotAllowed,
                $"{context.Request.Method} is not allowed on this path; allowed: {(context.Response.Headers.Allow.Count > 0 ? context.Response.Headers.Allow.ToString() : "see docs/api.md")}"),
            StatusCodes.Status413PayloadTooLarge => Of(ProblemCode.BodyTooLarge, "the request body is larger than server.max_body_size allows"),
            >= StatusCodes.Status500InternalServerError => Of(ProblemCode.InternalError, "an unexpected error occurred; the server log has the details", status: status),
            _ => Of(ProblemCode.BadRequest, string.Create(CultureInfo.InvariantCulture, $"the server refused the request ({status})"), status: status),
        };
    }

    /// <summary>
    /// A link to the definition of <paramref name="status"/>, in the form ASP.NET Core uses for the
    /// statuses it knows, so that every answer has a <c>type</c> (its defaults lack 413, 414, 431 and 507).
    /// </summary>
    public static string TypeOf(int status) => status switch
    {
        >= 400 and <= 417 => Rfc9110(5, status - 399),
        421 or 422 => Rfc9110(5, status - 401),
        426 => Rfc9110(5, 22),
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        431 => "https://tools.ietf.org/html/rfc6585#section-5",
        >= 500 and <= 505 => Rfc9110(6, status - 499),
        507 => "https://tools.ietf.org/html/rfc4918#section-11.5",
        _ => "about:blank",
    };

    private static string Rfc9110(int group, int section) =>
        string.Create(CultureInfo.InvariantCulture, $"https://tools.ietf.org/html/rfc9110#section-15.{group}.{section}");

    private static string Title(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "the request is not valid",
        StatusCodes.Status401Unauthorized => "an API key is required",
        StatusCodes.Status403Forbidden => "this API key may not do that",
        StatusCodes.Status404NotFound => "not found",
        StatusCodes.Status405MethodNotAllowed => "this method is not allowed here",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => "the request body is too large",
        StatusCodes.Status502BadGateway => "the vector database refused the request",
        StatusCodes.Status503ServiceUnavailable => "unavailable; try again",
        StatusCodes.Status507InsufficientStorage => "the disk is full",
        < StatusCodes.Status500InternalServerError => "the request was refused",
        _ => "the server could not answer",
    };
}
