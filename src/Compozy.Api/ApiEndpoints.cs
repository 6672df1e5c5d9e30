using Compozy.Api.Auth;
using Compozy.Api.Endpoints;
using Compozy.Api.Errors;
using Compozy.Api.Json;
using Compozy.Api.Requests;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Api;

/// <summary>Registers and maps the HTTP API under <c>/api/v0</c>.</summary>
public static class ApiEndpoints
{
    /// <summary>The path every API endpoint lives under.</summary>
    public const string Prefix = "/api/v0";

    /// <summary>
    /// Adds API-key authentication, the admin policy, problem-details error answers and the API's
    /// JSON conventions. Needs the Compozy.Data stores registered.
    /// </summary>
    public static IServiceCollection AddCompozyApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAuthentication(ApiClaims.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiClaims.Scheme, configureOptions: null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiClaims.AdminPolicy, policy => policy.RequireRole("admin"));
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.ConfigureHttpJsonOptions(options => ApiJson.Configure(options.SerializerOptions));
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
    /// and usage need an admin's key. Call after <see cref="UseCompozyApi"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapCompozyApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup(Prefix).RequireAuthorization();
        api.AddEndpointFilterFactory(RequestTargetFilter.Create);
        WorkflowEndpoints.Map(api);
        TaskEndpoints.Map(api);
        KnowledgeEndpoints.Map(api);
        UserEndpoints.MapForEveryone(api);

        var admin = api.MapGroup(string.Empty).RequireAuthorization(ApiClaims.AdminPolicy);
        UserEndpoints.MapForAdmins(admin);
        UsageEndpoints.Map(admin);
        return endpoints;
    }
}
