using System.Security.Claims;
using Compozy.Api.Auth;
using Compozy.Api.Errors;
using Compozy.Api.OpenApi;
using Compozy.Api.Requests;
using Compozy.Api.Requests.Bodies;
using Compozy.Api.Responses;
using Compozy.Data.Audit;
using Compozy.Data.Entities;
using Compozy.Data.Persistence.Conventions;
using Compozy.Data.Stores.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Compozy.Api.Endpoints;

/// <summary><c>/api/v0/users</c> and <c>/api/v0/keys</c> (admins only), and <c>/api/v0/me</c>.</summary>
internal static class UserEndpoints
{
    private const string Path = "/users";

    public static void MapForEveryone(IEndpointRouteBuilder api) =>
        api.MapGet("/me", MeAsync).WithTags("Users").WithSummary("Read the user whose API key the request presents");

    public static void MapForAdmins(IEndpointRouteBuilder admin)
    {
        var users = admin.MapGroup(Path).WithTags("Users");
        users.MapGet("/", ListAsync)
            .WithSummary("List every user, newest first");
        users.MapPost("/", CreateAsync).ReadsBody<NewUserBody>().Answers(ProblemCode.AlreadyExists, ProblemCode.DiskFull)
            .WithSummary("Create a user");
        users.MapGet("/{user_id}", GetAsync).Answers(ProblemCode.NotFound)
            .WithSummary("Read a user");
        users.MapPatch("/{user_id}", UpdateAsync).ReadsBody<UserChangesBody>().Answers(ProblemCode.NotFound, ProblemCode.AlreadyExists, ProblemCode.DiskFull)
            .WithSummary("Change a user's email or role");
        users.MapDelete("/{user_id}", DeleteAsync).Answers(ProblemCode.NotFound, ProblemCode.DiskFull)
            .WithSummary("Delete a user and their keys");
        users.MapGet("/{user_id}/keys", ListKeysAsync).Answers(ProblemCode.NotFound)
            .WithSummary("List a user's API keys, without the keys themselves");
        users.MapPost("/{user_id}/keys", CreateKeyAsync).Answers(ProblemCode.NotFound, ProblemCode.DiskFull)
            .WithSummary("Create an API key for a user; the answer holds the key, shown this once");
        admin.MapDelete("/keys/{key_id}", DeleteKeyAsync).WithTags("Users").Answers(ProblemCode.NotFound, ProblemCode.DiskFull)
            .WithSummary("Delete an API key");
    }

    private static async Task<Ok<UserResponse>> MeAsync(ClaimsPrincipal principal, IAuthStore auth, CancellationToken cancellationToken) =>
        TypedResults.Ok(UserResponse.From(await auth.GetUserByIdAsync(principal.FindFirstValue(ClaimTypes.NameIdentifier)!, cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<ItemsResponse<UserResponse>>> ListAsync(IAuthStore auth, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ItemsResponse<UserResponse>((await auth.ListUsersAsync(cancellationToken).ConfigureAwait(false)).Select(UserResponse.From).ToList()));

    private static async Task<Created<UserResponse>> CreateAsync(HttpRequest request, ClaimsPrincipal principal, IAuthStore auth, IAuditLog audit, CancellationToken cancellationToken)
    {
        var user = await audit.RunAsync(
            ApiActor.Of(principal),
            AuditActions.UserCreated,
            null,
            async token =>
            {
                var body = await JsonRequest.ReadAsync(request, token).ConfigureAwait(false);
                var email = body.Text("email", required: true, maxLength: 320);
                var role = body.Enum<UserRole>("role") ?? UserRole.User;
                body.Complete();
                return await auth.CreateUserAsync(email!, role, token).ConfigureAwait(false);
            },
            created => new AuditDescription(created.Id, UserDetails(created)),
            cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"{ApiEndpoints.Prefix}{Path}/{user.Id}", UserResponse.From(user));
    }

    private static async Task<Ok<UserResponse>> GetAsync([FromRoute(Name = "user_id")] string userId, IAuthStore auth, CancellationToken cancellationToken) =>
        TypedResults.Ok(UserResponse.From(await auth.GetUserByIdAsync(RequestIds.Path("user_id", userId), cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<UserResponse>> UpdateAsync(
        [FromRoute(Name = "user_id")] string userId, HttpRequest request, ClaimsPrincipal principal, IAuthStore auth, IAuditLog audit, CancellationToken cancellationToken)
    {
        var user = await audit.RunAsync(
            ApiActor.Of(principal),
            AuditActions.UserUpdated,
            userId,
            async token =>
            {
                var id = RequestIds.Path("user_id", userId);
                var body = await JsonRequest.ReadAsync(request, token).ConfigureAwait(false);
                var email = body.Text("email", maxLength: 320);
                var role = body.Enum<UserRole>("role");
                body.Complete();
                return await auth.UpdateUserAsync(id, email, role, token).ConfigureAwait(false);
            },
            updated => new AuditDescription(updated.Id, UserDetails(updated)),
            cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(UserResponse.From(user));
    }

    private static async Task<NoContent> DeleteAsync(
        [FromRoute(Name = "user_id")] string userId, ClaimsPrincipal principal, IAuthStore auth, IAuditLog audit, CancellationToken cancellationToken)
    {
        await audit.RunAsync(
            ApiActor.Of(principal),
            AuditActions.UserDeleted,
            userId,
            async token =>
            {
                await auth.DeleteUserAsync(RequestIds.Path("user_id", userId), token).ConfigureAwait(false);
                return true;
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ItemsResponse<ApiKeyResponse>>> ListKeysAsync(
        [FromRoute(Name = "user_id")] string userId, IAuthStore auth, CancellationToken cancellationToken)
    {
        var id = RequestIds.Path("user_id", userId);
        await auth.GetUserByIdAsync(id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ItemsResponse<ApiKeyResponse>((await auth.ListApiKeysByUserIdAsync(id, cancellationToken).ConfigureAwait(false)).Select(ApiKeyResponse.From).ToList()));
    }

    private static async Task<Created<IssuedApiKeyResponse>> CreateKeyAsync(
        [FromRoute(Name = "user_id")] string userId, ClaimsPrincipal principal, IAuthStore auth, IAuditLog audit, CancellationToken cancellationToken)
    {
        var issued = await audit.RunAsync(
            ApiActor.Of(principal),
            AuditActions.ApiKeyCreated,
            userId,
            token => auth.CreateApiKeyAsync(RequestIds.Path("user_id", userId), token),
            created => new AuditDescription(created.Key.Id, new Dictionary<string, string> { ["user_id"] = created.User.Id, ["prefix"] = created.Key.Prefix }),
            cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"{ApiEndpoints.Prefix}{Path}/{issued.User.Id}/keys", IssuedApiKeyResponse.From(issued));
    }

    private static async Task<NoContent> DeleteKeyAsync(
        [FromRoute(Name = "key_id")] string keyId, ClaimsPrincipal principal, IAuthStore auth, IAuditLog audit, CancellationToken cancellationToken)
    {
        await audit.RunAsync(
            ApiActor.Of(principal),
            AuditActions.ApiKeyDeleted,
            keyId,
            async token =>
            {
                await auth.DeleteApiKeyAsync(RequestIds.Path("key_id", keyId), token).ConfigureAwait(false);
                return true;
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static Dictionary<string, string> UserDetails(User user) => new() { ["email"] = user.Email, ["role"] = StoredNames.Of(user.Role) };
}
