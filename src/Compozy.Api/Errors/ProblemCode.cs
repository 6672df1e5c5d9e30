using Microsoft.AspNetCore.Http;

namespace Compozy.Api.Errors;

/// <summary>
/// A kind of problem answer: the stable <c>code</c> a client branches on and the status it comes
/// with. The exception handler answers with these, and endpoints declare the ones they can answer,
/// so that the OpenAPI document lists exactly the codes the server sends.
/// </summary>
/// <param name="Code">The <c>code</c> of the problem body.</param>
/// <param name="Status">The HTTP status it is answered with.</param>
/// <param name="When">When it is answered, for the OpenAPI document.</param>
internal sealed record ProblemCode(string Code, int Status, string When)
{
    public static ProblemCode InvalidRequest { get; } = new(
        "invalid_request", StatusCodes.Status400BadRequest, "a field, query parameter or path id is not valid; `errors` names each one, and nothing was written");

    public static ProblemCode BadRequest { get; } = new(
        "bad_request", StatusCodes.Status400BadRequest, "the server could not read the request body as sent");

    public static ProblemCode Unauthenticated { get; } = new(
        "unauthenticated", StatusCodes.Status401Unauthorized, "no API key, a header that is not `Bearer <api key>`, or a key that is unknown or deleted");

    public static ProblemCode Forbidden { get; } = new(
        "forbidden", StatusCodes.Status403Forbidden, "a `user`'s key on a route that needs an admin's key");

    public static ProblemCode NotFound { get; } = new(
        "not_found", StatusCodes.Status404NotFound, "the id in the path does not exist");

    public static ProblemCode ReferenceNotFound { get; } = new(
        "reference_not_found", StatusCodes.Status404NotFound, "a body field names a record that does not exist; `errors` names the field");

    public static ProblemCode NoSuchEndpoint { get; } = new(
        "no_such_endpoint", StatusCodes.Status404NotFound, "no endpoint has this path");

    public static ProblemCode MethodNotAllowed { get; } = new(
        "method_not_allowed", StatusCodes.Status405MethodNotAllowed, "the path exists but not with this method");

    public static ProblemCode AlreadyExists { get; } = new(
        "already_exists", StatusCodes.Status409Conflict, "a record with the same unique value exists");

    public static ProblemCode Conflict { get; } = new(
        "conflict", StatusCodes.Status409Conflict, "the request is valid on its own but does not fit what is stored; nothing was written");

    public static ProblemCode Referenced { get; } = new(
        "referenced", StatusCodes.Status409Conflict, "the record is still referred to by another one");

    public static ProblemCode VectorStoreMismatch { get; } = new(
        "vector_store_mismatch", StatusCodes.Status409Conflict, "the vector database holds something the knowledge base does not match");

    public static ProblemCode BodyTooLarge { get; } = new(
        "body_too_large", StatusCodes.Status413PayloadTooLarge, "the body is larger than `server.max_body_size`");

    public static ProblemCode InternalError { get; } = new(
        "internal_error", StatusCodes.Status500InternalServerError, "an unexpected error; the server log has the details");

    public static ProblemCode DatabaseError { get; } = new(
        "database_error", StatusCodes.Status500InternalServerError, "the database reported an error; the server log has the details");

    public static ProblemCode VectorStoreError { get; } = new(
        "vector_store_error", StatusCodes.Status502BadGateway, "the vector database refused the request");

    public static ProblemCode DatabaseUnavailable { get; } = new(
        "database_unavailable", StatusCodes.Status503ServiceUnavailable, "the database is busy, timed out, unreachable or read-only, or has been unreachable for several requests in a row (refused at once until a probe reaches it again); retry after `Retry-After`");

    public static ProblemCode VectorStoreUnavailable { get; } = new(
        "vector_store_unavailable", StatusCodes.Status503ServiceUnavailable, "the vector database is unreachable, timed out or throttling; retry after `Retry-After`");

    public static ProblemCode DiskFull { get; } = new(
        "disk_full", StatusCodes.Status507InsufficientStorage, "the disk holding the database is full");
}
