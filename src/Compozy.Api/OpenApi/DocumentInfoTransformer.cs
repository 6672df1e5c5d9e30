using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Compozy.Api.OpenApi;

/// <summary>The document's title, version and description.</summary>
internal sealed class DocumentInfoTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Info = new OpenApiInfo
        {
            Title = "Compozy API",
            Version = "v0",
            Description = "Workflow and task executions, LLM usage, users and API keys, knowledge bases and search, "
                + "served by `compozy start` under `/api/v0`. Every error is a problem body (`application/problem+json`) "
                + "with a stable `code`; each response below lists the codes of its status. docs/api.md has the rules and a walk-through.",
        };
        return Task.CompletedTask;
    }
}
