using System.Security.Claims;
using Compozy.Data.Audit;

namespace Compozy.Api.Auth;

/// <summary>The audit log's name for the caller of a request: its user's id and email.</summary>
internal static class ApiActor
{
    public static string Of(ClaimsPrincipal principal) =>
        AuditActors.ForUser(principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown", principal.FindFirstValue(ClaimTypes.Email) ?? "unknown");
}
