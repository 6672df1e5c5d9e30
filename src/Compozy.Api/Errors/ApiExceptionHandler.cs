using Compozy.Data.Errors;
using Compozy.Data.Knowledge;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Compozy.Api.Errors;

/// <summary>
/// Turns what an endpoint throws into a problem answer: the caller's mistakes are 4xx naming what
/// to fix, the database's and vector store's failures are 5xx that say whether to retry, and
/// nothing unexpected leaks its message (it is logged instead).
/// </summary>
internal sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
            return true;
        }

        var result = Map(exception, httpContext);
        if (httpContext.Response.StatusCode >= StatusCodes.Status500InternalServerError)
        {
            LogServerError(exception, httpContext.Request.Method, httpContext.Request.Path, httpContext.Response.StatusCode);
        }

        await result.ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }

    private static IResult Map(Exception exception, HttpContext context)
    {
        IResult Answer(int status, string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
        {
            context.Response.StatusCode = status;
            return ApiProblem.Of(status, code, detail, errors);
        }

        switch (exception)
        {
            case RequestValidationException invalid:
                return Answer(StatusCodes.Status400BadRequest, "invalid_request", invalid.Message, invalid.Errors);
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge:
                return Answer(StatusCodes.Status413PayloadTooLarge, "body_too_large", "the request body is larger than server.max_body_size allows");
            case BadHttpRequestException bad:
                return Answer(bad.StatusCode, "bad_request", bad.Message);
            case ArgumentException argument when argument.ParamName is { } name:
                return Answer(StatusCodes.Status400BadRequest, "invalid_request", argument.Message, new Dictionary<string, string[]> { [FieldOf(name)] = [TrimParameter(argument)] });
            case ReferenceNotFoundException reference:
                return Answer(StatusCodes.Status404NotFound, "reference_not_found", reference.Message, new Dictionary<string, string[]> { [reference.Field] = [reference.Message] });
            case CompozyDataException data:
                return Map(data, context, Answer);
            case VectorStoreException vector:
                return vector.Kind switch
                {
                    VectorStoreErrorKind.Unavailable or VectorStoreErrorKind.Timeout or VectorStoreErrorKind.Throttled =>
                        Retry(context, Answer(StatusCodes.Status503ServiceUnavailable, "vector_store_unavailable", vector.Message)),
                    VectorStoreErrorKind.Mismatch => Answer(StatusCodes.Status409Conflict, "vector_store_mismatch", vector.Message),
                    VectorStoreErrorKind.NotFound => Answer(StatusCodes.Status404NotFound, "not_found", vector.Message),
                    _ => Answer(StatusCodes.Status502BadGateway, "vector_store_error", vector.Message),
                };
            default:
                return Answer(StatusCodes.Status500InternalServerError, "internal_error", "an unexpected error occurred; the server log has the details");
        }
    }

    private static IResult Map(CompozyDataException data, HttpContext context, Func<int, string, string, IReadOnlyDictionary<string, string[]>?, IResult> answer) =>
        data.Kind switch
        {
            DbErrorKind.NotFound => answer(StatusCodes.Status404NotFound, "not_found", data.Message, null),

            // Endpoints that write references diagnose a missing one themselves (SQLite does not
            // name the constraint); what reaches here is a row another one still refers to.
            DbErrorKind.ForeignKey => answer(StatusCodes.Status409Conflict, "referenced", data.Message, null),
            DbErrorKind.UniqueConflict => answer(StatusCodes.Status409Conflict, "already_exists", data.Message, null),
            DbErrorKind.Conflict => answer(StatusCodes.Status409Conflict, "conflict", data.Message, null),
            DbErrorKind.Check => answer(StatusCodes.Status400BadRequest, "invalid_request", data.Message, null),
            DbErrorKind.Busy or DbErrorKind.Timeout or DbErrorKind.ConnectionFailed or DbErrorKind.ReadOnly =>
                Retry(context, answer(StatusCodes.Status503ServiceUnavailable, "database_unavailable", data.Message, null)),
            DbErrorKind.DiskFull => answer(StatusCodes.Status507InsufficientStorage, "disk_full", data.Message, null),
            _ => answer(StatusCodes.Status500InternalServerError, "database_error", "the database reported an error; the server log has the details", null),
        };

    private static IResult Retry(HttpContext context, IResult result)
    {
        context.Response.Headers.RetryAfter = "1";
        return result;
    }

    private static string FieldOf(string parameter) => parameter switch
    {
        "cursor" => "after",
        _ => parameter,
    };

    private static string TrimParameter(ArgumentException exception)
    {
        var message = exception.Message;
        var suffix = $" (Parameter '{exception.ParamName}')";
        return message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "{Method} {Path} answered {Status}")]
    private partial void LogServerError(Exception exception, string method, string path, int status);
}
