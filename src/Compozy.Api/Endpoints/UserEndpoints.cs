using System.Security.Claims;
using Compozy.Api.Requests;
using Compozy.Api.Responses;
using Compozy.Data.Entities;
using Compozy.Data.Stores.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Compozy.Api.Endpoints;

/// <summary><c>/api/v0/users</c> and <c>/api/v0/keys</c> (admins only), and <c>/api/v0/me</c>.</summary>
internal static class UserEndpoints
{
    public static void MapForEveryone(IEndpointRouteBuilder api) => api.MapGet("/me", MeAsync);

    public static void MapForAdmins(IEndpointRouteBuilder admin)
    {
        var users = admin.MapGroup("/users");
        users.MapGet("/", ListAsync);
        users.MapPost("/", CreateAsync);
        users.MapGet("/{user_id}", GetAsync);
        users.MapPatch("/{user_id}", UpdateAsync);
        users.MapDelete("/{user_id}", DeleteAsync);
        users.MapGet("/{user_id}/keys", ListKeysAsync);
        users.MapPost("/{user_id}/keys", CreateKeyAsync);
        admin.MapDelete("/keys/{key_id}", DeleteKeyAsync);
    }

    private static async Task<IResult> MeAsync(ClaimsPrincipal principal, IAuthStore auth, CancellationToken cancellationToken) =>
        Results.Ok(UserResponse.From(await auth.GetUserByIdAsync(principal.FindFirstValue(ClaimTypes.NameIdentifier)!, cancellationToken).ConfigureAwait(false)));

    private static async Task<IResult> ListAsync(IAuthStore auth, CancellationToken cancellationToken) =>
        Results.Ok(new { Items = (await auth.ListUsersAsync(cancellationToken).ConfigureAwait(false)).Select(UserResponse.From).ToList() });

    private static async Task<IResult> CreateAsync(HttpRequest request, IAuthStore auth, CancellationToken cancellationToken)
    {
        var body = await JsonRequest.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var email = body.Text("email", required: true, maxLength: 320);
        var role = body.Enum<UserRole>("role") ?? UserRole.User;
        body.Complete();
        var user = await auth.CreateUserAsync(email!, role, cancellationToken).ConfigureAwait(false);
        return Results.Created($"/api/v0/users/{user.Id}", UserResponse.From(user));
    }

    private static async Task<IResult> GetAsync(string user_id, IAuthStore auth, CancellationToken cancellationToken) =>
        Results.Ok(UserResponse.From(await auth.GetUserByIdAsync(RequestIds.Path("user_id", user_id), cancellationToken).ConfigureAwait(false)));

    private static async Task<IResult> UpdateAsync(string user_id, HttpRequest request, IAuthStore auth, CancellationToken cancellationToken)
    {
        var id = RequestIds.Path("user_id", user_id);
        var body = await JsonRequest.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var email = body.Text("email", maxLength: 320);
        var role = body.Enum<UserRole>("role");
        body.Complete();
        return Results.Ok(UserResponse.From(await auth.UpdateUserAsync(id, email, role, cancellationToken).ConfigureAwait(false)));
    }

    private static async Task<IResult> DeleteAsync(string user_id, IAuthStore auth, CancellationToken cancellationToken)
    {
        await auth.DeleteUserAsync(RequestIds.Path("user_id", user_id), cancellationToken).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static async Task<IResult> ListKeysAsync(string user_id, IAuthStore auth, CancellationToken cancellationToken)
    {
        var id = RequestIds.Path("user_id", user_id);
        await auth.GetUserByIdAsync(id, cancellationToken).ConfigureAwait(false);
        return Results.Ok(new { Items = (await auth.ListApiKeysByUserIdAsync(id, cancellationToken).ConfigureAwait(false)).Select(ApiKeyResponse.From).ToList() });
    }

    private static async Task<IResult> CreateKeyAsync(string user_id, IAuthStore auth, CancellationToken cancellationToken)
    {
        var issued = await auth.CreateApiKeyAsync(RequestIds.Path("user_id", user_id), cancellationToken).ConfigureAwait(false);
        return Results.Created($"/api/v0/users/{issued.User.Id}/keys", IssuedApiKeyResponse.From(issued));
    }

    private static async Task<IResult> DeleteKeyAsync(string key_id, IAuthStore auth, CancellationToken cancellationToken)
    {
        await auth.DeleteApiKeyAsync(RequestIds.Path("key_id", key_id), cancellationToken).ConfigureAwait(false);
        return Results.NoContent();
    }
}
