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

        // Refused by the open circuit: the circuit logged the outage once, and a line per refused
        // request would flood the log while it lasts.
        if (httpContext.Response.StatusCode >= StatusCodes.Status500InternalServerError && exception is not DatabaseUnavailableException)
        {
            LogServerError(exception, httpContext.Request.Method, httpContext.Request.Path, httpContext.Response.StatusCode);
        }

        await result.ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }

    private static IResult Map(Exception exception, HttpContext context)
    {
        IResult Answer(ProblemCode problem, string detail, IReadOnlyDictionary<string, string[]>? errors = null, int? status = null)
        {
            context.Response.StatusCode = status ?? problem.Status;
            return ApiProblem.Of(problem, detail, errors, status);
        }

        switch (exception)
        {
            case RequestValidationException invalid:
                return Answer(ProblemCode.InvalidRequest, invalid.Message, invalid.Errors);
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge:
                return Answer(ProblemCode.BodyTooLarge, "the request body is larger than server.max_body_size allows");
            case BadHttpRequestException bad:
                return Answer(ProblemCode.BadRequest, bad.Message, status: bad.StatusCode);
            case ArgumentException argument when argument.ParamName is { } name:
                return Answer(ProblemCode.InvalidRequest, argument.Message, new Dictionary<string, string[]> { [FieldOf(name)] = [TrimParameter(argument)] });
            case CompozyDataException { Kind: DbErrorKind.ForeignKey, Reference: { } field } missing:
                return Answer(ProblemCode.ReferenceNotFound, missing.Message, new Dictionary<string, string[]> { [field] = [missing.Message] });
            case DatabaseUnavailableException unavailable:
                return Retry(context, Answer(ProblemCode.DatabaseUnavailable, unavailable.Message), unavailable.RetryAfter);
            case CompozyDataException data:
                return Map(data, context, Answer);
            case VectorStoreException vector:
                return vector.Kind switch
                {
                    VectorStoreErrorKind.Unavailable or VectorStoreErrorKind.Timeout or VectorStoreErrorKind.Throttled =>
                        Retry(context, Answer(ProblemCode.VectorStoreUnavailable, vector.Message)),
                    VectorStoreErrorKind.Mismatch => Answer(ProblemCode.VectorStoreMismatch, vector.Message),
                    VectorStoreErrorKind.StorageFull => Answer(ProblemCode.DiskFull, vector.Message),
                    VectorStoreErrorKind.NotFound => Answer(ProblemCode.NotFound, vector.Message),
                    _ => Answer(ProblemCode.VectorStoreError, vector.Message),
                };
            default:
                return Answer(ProblemCode.InternalError, "an unexpected error occurred; the server log has the details");
        }
    }

    private static IResult Map(CompozyDataException data, HttpContext context, Func<ProblemCode, string, IReadOnlyDictionary<string, string[]>?, int?, IResult> answer) =>
        data.Kind switch
        {
            DbErrorKind.NotFound => answer(ProblemCode.NotFound, data.Message, null, null),

            // Endpoints that write references diagnose a missing one themselves (SQLite does not
            // name the constraint); what reaches here is a row another one still refers to.
            DbErrorKind.ForeignKey => answer(ProblemCode.Referenced, data.Message, null, null),
            DbErrorKind.UniqueConflict => answer(ProblemCode.AlreadyExists, data.Message, null, null),
            DbErrorKind.Conflict => answer(ProblemCode.Conflict, data.Message, null, null),
            DbErrorKind.Check => answer(ProblemCode.InvalidRequest, data.Message, null, null),
            DbErrorKind.Busy or DbErrorKind.Timeout or DbErrorKind.ConnectionFailed or DbErrorKind.ReadOnly =>
                Retry(context, answer(ProblemCode.DatabaseUnavailable, data.Message, null, null)),
            DbErrorKind.DiskFull => answer(ProblemCode.DiskFull, data.Message, null, null),
            _ => answer(ProblemCode.DatabaseError, "the database reported an error; the server log has the details", null, null),
        };

    private static IResult Retry(HttpContext context, IResult result, TimeSpan? after = null)
    {
        context.Response.Headers.RetryAfter = ((long)Math.Ceiling((after ?? TimeSpan.FromSeconds(1)).TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
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
