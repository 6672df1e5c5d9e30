using System.Globalization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Compozy.Api.OpenApi;

/// <summary>Describes each problem status of an operation by the codes it comes with (<see cref="ProblemAnswers"/>).</summary>
internal sealed class ProblemAnswersTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var problems = context.Description.ActionDescriptor.EndpointMetadata.OfType<ProblemAnswers>().SelectMany(answers => answers.Problems).Distinct();
        foreach (var status in problems.GroupBy(problem => problem.Status))
        {
            if (operation.Responses?.GetValueOrDefault(status.Key.ToString(CultureInfo.InvariantCulture)) is OpenApiResponse response)
            {
                response.Description = string.Join("; ", status.Select(problem => $"`{problem.Code}`: {problem.When}"));
            }
        }

        return Task.CompletedTask;
    }
}
