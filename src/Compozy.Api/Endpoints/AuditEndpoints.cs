using Compozy.Api.OpenApi;
using Compozy.Api.Requests;
using Compozy.Api.Responses;
using Compozy.Data.Audit;
using Compozy.Data.Entities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Compozy.Api.Endpoints;

/// <summary><c>/api/v0/audit</c> (admins only): the audit log of administrative actions.</summary>
internal static class AuditEndpoints
{
    public static void Map(IEndpointRouteBuilder admin) =>
        admin.MapGet("/audit", ListAsync).WithTags("Audit").TakesQuery<AuditListQuery>()
            .WithSummary("List audit events, oldest first, a page at a time");

    private static async Task<Ok<PageResponse<AuditEventResponse>>> ListAsync(HttpRequest request, IAuditLog audit, CancellationToken cancellationToken)
    {
        var query = new QueryRequest(request.Query);
        var filter = new AuditEventFilter
        {
            Action = query.Text("action"),
            Actor = query.Text("actor"),
            Outcome = query.Enum<AuditOutcome>("outcome"),
            Since = Time(query, "since"),
            Until = Time(query, "until"),
        };
        var page = query.Page();
        query.Complete();
        var result = await audit.ListAsync(filter, page, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new PageResponse<AuditEventResponse>(result.Items.Select(AuditEventResponse.From).ToList(), result.NextCursor));
    }

    private static DateTime? Time(QueryRequest query, string name)
    {
        var value = query.Text(name);
        if (value is null)
        {
            return null;
        }

        if (AuditTimes.TryParse(value, out var utc))
        {
            return utc;
        }

        query.Problems.Add(name, $"\"{value}\" is not allowed; allowed: {AuditTimes.Allowed}");
        return null;
    }
}
