using System.ComponentModel.DataAnnotations;
using Compozy.Data.Entities;
using Compozy.Data.Stores;

namespace Compozy.Api.Requests;

/// <summary>The query parameters of <c>GET /audit</c>, each optional; the filters combine.</summary>
/// <remarks>For the OpenAPI document only; the endpoint reads them with <see cref="QueryRequest"/>.</remarks>
internal sealed class AuditListQuery
{
    /// <summary>Only events of this action (<c>user.created</c>, <c>database.backup</c>...).</summary>
    public string? Action { get; init; }

    /// <summary>Only events of this actor, exactly as listed (<c>cli:root</c>, <c>system</c>).</summary>
    public string? Actor { get; init; }

    /// <summary>Only events with this outcome.</summary>
    public AuditOutcome? Outcome { get; init; }

    /// <summary>Only events at or after this time (RFC 3339 with an offset, for example 2026-12-01T00:00:00Z).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only events before this time (RFC 3339 with an offset).</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>The page size; 100 when left out.</summary>
    [Range(1, PageRequest.MaxLimit)]
    public int? Limit { get; init; }

    /// <summary>The <c>next_cursor</c> of the previous page.</summary>
    public string? After { get; init; }
}
