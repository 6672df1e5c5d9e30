using Compozy.Api.Auth;
using Compozy.Api.Endpoints;
using Compozy.Api.Errors;
using Compozy.Api.Json;
using Compozy.Api.OpenApi;
using Compozy.Api.Requests;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scalar.AspNetCore;

namespace Compozy.Api;

/// <summary>Registers and maps the HTTP API under <c>/api/v0</c>, its OpenAPI document and its reference page.</summary>
public static class ApiEndpoints
{
    /// <summary>The path every API endpoint lives under.</summary>
    public const string Prefix = "/api/v0";

    /// <summary>The path of the OpenAPI document (OpenAPI 3.1, JSON). Needs no API key.</summary>
    public const string OpenApiDocumentPath = "/openapi/" + DocumentName + ".json";

    /// <summary>The path of the API reference page, built from the OpenAPI document and served offline. Needs no API key.</summary>
    public const string ReferencePagePath = "/scalar";

    private const string DocumentName = "v1";

    private const string OpenApiRoutePattern = "/openapi/{documentName}.json";

    /// <summary>
    /// Adds API-key authentication, the admin policy, problem-details error answers, the API's
    /// JSON conventions and the OpenAPI document. Needs the Compozy.Data stores registered.
    /// </summary>
    public static IServiceCollection AddCompozyApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // AddAuthentication() would also add ASP.NET Core's data protection, whose hosted service
        // makes a key ring at start (an unencrypted key file under ~/.aspnet) for cookies and
        // tokens this API never issues: the core services and the handler's own needs are enough.
        services.AddAuthenticationCore(options => options.DefaultScheme = ApiClaims.Scheme);
        services.AddWebEncoders();
        services.TryAddSingleton(TimeProvider.System);
        new AuthenticationBuilder(services)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiClaims.Scheme, configureOptions: null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiClaims.AdminPolicy, policy => policy.RequireRole("admin"));
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.ConfigureHttpJsonOptions(options => ApiJson.Configure(options.SerializerOptions));
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer<DocumentInfoTransformer>();
            options.AddDocumentTransformer<ApiKeySecurityTransformer>();
            options.AddOperationTransformer<ApiKeySecurityTransformer>();
            options.AddOperationTransformer<ProblemAnswersTransformer>();
        });
        return services;
    }

    /// <summary>
    /// Adds the middleware the API needs, first in the pipeline: exceptions and statuses set
    /// without a body (routing's 404 and 405 included, on any path) answered as problem details,
    /// then authentication and authorization.
    /// </summary>
    public static IApplicationBuilder UseCompozyApi(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages(context => ApiProblem.ForStatus(context.HttpContext).ExecuteAsync(context.HttpContext));
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// Maps the API: every endpoint needs <c>Authorization: Bearer &lt;api key&gt;</c>; users, keys
    /// and usage need an admin's key. Maps the OpenAPI document at <see cref="OpenApiDocumentPath"/>
    /// and the reference page at <see cref="ReferencePagePath"/>, which need no key: they describe
    /// the API, as docs/api.md does, and hold no data. Call after <see cref="UseCompozyApi"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapCompozyApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup(Prefix)
            .RequireAuthorization()
            .Answers(ProblemCode.InvalidRequest, ProblemCode.Unauthenticated, ProblemCode.InternalError, ProblemCode.DatabaseError, ProblemCode.DatabaseUnavailable);
        api.AddEndpointFilterFactory(RequestTargetFilter.Create);
        WorkflowEndpoints.Map(api);
        TaskEndpoints.Map(api);
        KnowledgeEndpoints.Map(api);
        UserEndpoints.MapForEveryone(api);

        var admin = api.MapGroup(string.Empty).RequireAuthorization(ApiClaims.AdminPolicy).Answers(ProblemCode.Forbidden);
        UserEndpoints.MapForAdmins(admin);
        UsageEndpoints.Map(admin);
        AuditEndpoints.Map(admin);

        endpoints.MapOpenApi(OpenApiRoutePattern);
        endpoints.MapScalarApiReference(ReferencePagePath, options => options
            .WithTitle("Compozy API")
            .WithOpenApiRoutePattern(OpenApiRoutePattern)
            .AddPreferredSecuritySchemes(ApiClaims.Scheme)
            .HideDeveloperTools()
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent());
        return endpoints;
    }
}
