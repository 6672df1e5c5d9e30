using Microsoft.AspNetCore.Http;

namespace Compozy.Api.Errors;

/// <summary>Writes RFC 9457 problem details (<c>application/problem+json</c>), the body of every error answer.</summary>
internal static class ApiProblem
{
    public static IResult Of(int status, string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        return errors is null
            ? Results.Problem(detail: detail, statusCode: status, title: Title(status), extensions: extensions)
            : Results.ValidationProblem(errors.ToDictionary(), detail: detail, statusCode: status, title: Title(status), extensions: extensions);
    }

    private static string Title(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "the request is not valid",
        StatusCodes.Status401Unauthorized => "an API key is required",
        StatusCodes.Status403Forbidden => "this API key may not do that",
        StatusCodes.Status404NotFound => "not found",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => "the request body is too large",
        StatusCodes.Status502BadGateway => "the vector database refused the request",
        StatusCodes.Status503ServiceUnavailable => "unavailable; try again",
        StatusCodes.Status507InsufficientStorage => "the disk is full",
        _ => "the server could not answer",
    };
}
