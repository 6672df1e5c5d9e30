using Compozy.Api.Errors;
using Compozy.Api.Requests;
using Compozy.Api.Responses;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;

namespace Compozy.Api.OpenApi;

/// <summary>
/// Describes endpoints for the OpenAPI document where the handler's signature cannot: the
/// problems it answers, and the body and query parameters it reads by hand.
/// </summary>
/// <remarks>
/// <para>Handlers return only their success results (typed, so the document has their schemas).
/// Problems are thrown, by the request readers and the stores, and answered in one place,
/// <see cref="Errors.ApiExceptionHandler"/>; a <c>ProblemHttpResult</c> in every handler's result
/// type would repeat that mapping in each handler. <see cref="Answers"/> declares them instead.</para>
/// <para>Bodies are not declared with <c>Accepts</c>: that metadata also makes routing refuse a request
/// whose <c>Content-Type</c> is not JSON (415), and the API reads any body as JSON, curl's default
/// form type included.</para>
/// </remarks>
internal static class ApiDescriptions
{
    public const string ProblemContentType = "application/problem+json";

    /// <summary>Declares <paramref name="problems"/>: each one's status with a problem body, and its code.</summary>
    public static TBuilder Answers<TBuilder>(this TBuilder builder, params ProblemCode[] problems)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new ProblemAnswers(problems));
        foreach (var status in problems.Select(problem => problem.Status).Distinct())
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ProblemResponse), [ProblemContentType]));
        }

        return builder;
    }

    /// <summary>
    /// The endpoint reads a JSON body of the shape of <typeparamref name="TBody"/> with
    /// <see cref="JsonRequest"/>: a body that breaks it is a 400, and one over the size limit a 413.
    /// </summary>
    public static RouteHandlerBuilder ReadsBody<TBody>(this RouteHandlerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .Answers(ProblemCode.InvalidRequest, ProblemCode.BadRequest, ProblemCode.BodyTooLarge)
            .AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
            {
                var schema = await context.GetOrCreateSchemaAsync(typeof(TBody), cancellationToken: cancellationToken).ConfigureAwait(false);
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "A JSON object; `Content-Type` may be left out. Every bad or unknown field is named in one 400 answer.",
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
                };
            });
    }

    /// <summary>
    /// The endpoint reads the query parameters that <typeparamref name="TQuery"/>'s properties
    /// describe, with <see cref="QueryRequest"/>; every other endpoint refuses query parameters.
    /// </summary>
    public static RouteHandlerBuilder TakesQuery<TQuery>(this RouteHandlerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .WithMetadata(new TakesQueryParameters(typeof(TQuery)))
            .AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
            {
                var schema = await context.GetOrCreateSchemaAsync(typeof(TQuery), cancellationToken: cancellationToken).ConfigureAwait(false);
                operation.Parameters ??= [];
                foreach (var (name, property) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
                {
                    if (property is OpenApiSchema concrete)
                    {
                        // A parameter is left out, never null: the properties are nullable only to be optional.
                        concrete.Type &= ~JsonSchemaType.Null;
                        concrete.Enum = concrete.Enum?.Where(value => value is not null).ToList();
                    }

                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = name,
                        In = ParameterLocation.Query,
                        Description = property.Description,
                        Schema = property,
                    });
                }
            });
    }
}
