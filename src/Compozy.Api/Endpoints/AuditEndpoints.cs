using System.Globalization;
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

        // An offset is required: a time without one could be read in any zone.
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            && value.Contains('T', StringComparison.OrdinalIgnoreCase)
            && (value.EndsWith('Z') || value.EndsWith('z') || value.LastIndexOfAny(['+', '-']) > value.IndexOf('T', StringComparison.OrdinalIgnoreCase)))
        {
            return parsed.UtcDateTime;
        }

        query.Problems.Add(name, $"\"{value}\" is not allowed; allowed: an RFC 3339 time with an offset, for example 2026-12-01T00:00:00Z");
        return null;
    }
}
