using System.Security.Claims;
using System.Text.Encodings.Web;
using Compozy.Api.Errors;
using Compozy.Data.Persistence.Conventions;
using Compozy.Data.Stores.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Api.Auth;

/// <summary>
/// <c>Authorization: Bearer &lt;api key&gt;</c>: the key is looked up by its fingerprint (one
/// indexed read) and verified against its salted hash. Failures answer 401 with a problem body;
/// the key itself is never logged.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IAuthStore auth) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        // Only an endpoint that needs a key has one looked up: /healthz, /metrics and the OpenAPI
        // pages must keep answering while the database is down, even for a scraper or proxy that
        // sends a key along with every request.
        if (Context.GetEndpoint()?.Metadata.GetMetadata<IAuthorizeData>() is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("the Authorization header is not 'Bearer <api key>'");
        }

        var authenticated = await auth.AuthenticateAsync(header[BearerPrefix.Length..].Trim(), Context.RequestAborted).ConfigureAwait(false);
        if (authenticated is null)
        {
            return AuthenticateResult.Fail("the API key is not valid");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, authenticated.User.Id),
                new Claim(ClaimTypes.Email, authenticated.User.Email),
                new Claim(ClaimTypes.Role, StoredNames.Of(authenticated.User.Role)),
                new Claim(ApiClaims.KeyId, authenticated.Key.Id),
            ],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false)).Failure?.Message;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await ApiProblem.Of(
                ProblemCode.Unauthenticated,
                failure ?? "send an API key as 'Authorization: Bearer <api key>'; compozy auth bootstrap creates the first one")
            .ExecuteAsync(Context).ConfigureAwait(false);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return ApiProblem.Of(ProblemCode.Forbidden, "this needs an admin's API key").ExecuteAsync(Context);
    }
}
