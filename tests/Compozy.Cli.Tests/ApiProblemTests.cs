using System.Text.Json;
using Compozy.Api;
using Compozy.Api.Errors;
using Compozy.Data.Errors;
using Compozy.Data.Knowledge;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Compozy.Cli.Tests;

/// <summary>
/// Every error the API's exception handler answers, including those a test server cannot be made
/// to produce (a full disk, a vector database's failures), is a problem body with a <c>type</c>.
/// </summary>
public sealed class ApiProblemTests
{
    public static TheoryData<string> Failures()
    {
        var data = new TheoryData<string>();
        foreach (var kind in Enum.GetValues<DbErrorKind>())
        {
            data.Add($"database:{kind}");
        }

        foreach (var kind in Enum.GetValues<VectorStoreErrorKind>())
        {
            data.Add($"vector:{kind}");
        }

        data.Add("unexpected");
        data.Add("body:413");
        return data;
    }

    [Theory, MemberData(nameof(Failures))]
    public async Task An_exception_is_answered_with_a_problem_body_that_has_a_type(string failure)
    {
        Exception exception = failure.Split(':') switch
        {
            ["database", var kind] => new CompozyDataException(Enum.Parse<DbErrorKind>(kind), "the database said no"),
            ["vector", var kind] => new VectorStoreException(Enum.Parse<VectorStoreErrorKind>(kind), "the vector database said no"),
            ["body", _] => new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge),
            _ => new InvalidOperationException("a bug"),
        };

        var (status, contentType, problem) = await HandleAsync(exception);

        contentType.ShouldBe("application/problem+json", failure);
        problem.GetProperty("status").GetInt32().ShouldBe(status, failure);
        problem.GetProperty("type").GetString().ShouldBe(ApiProblem.TypeOf(status), failure);
        problem.GetProperty("type").GetString().ShouldStartWith("https://tools.ietf.org/html/rfc", customMessage: failure);
        problem.GetProperty("code").GetString().ShouldNotBeNullOrEmpty(failure);
    }

    [Fact]
    public async Task A_full_disk_is_a_507_with_the_webdav_definition_as_its_type()
    {
        var (status, _, problem) = await HandleAsync(new CompozyDataException(DbErrorKind.DiskFull, "database or disk is full"));

        status.ShouldBe(StatusCodes.Status507InsufficientStorage);
        problem.GetProperty("type").GetString().ShouldBe("https://tools.ietf.org/html/rfc4918#section-11.5");
        problem.GetProperty("code").GetString().ShouldBe("disk_full");
        problem.GetProperty("title").GetString().ShouldBe("the disk is full");
    }

    [Theory]
    [InlineData(400, "https://tools.ietf.org/html/rfc9110#section-15.5.1")]
    [InlineData(405, "https://tools.ietf.org/html/rfc9110#section-15.5.6")]
    [InlineData(413, "https://tools.ietf.org/html/rfc9110#section-15.5.14")]
    [InlineData(414, "https://tools.ietf.org/html/rfc9110#section-15.5.15")]
    [InlineData(422, "https://tools.ietf.org/html/rfc9110#section-15.5.21")]
    [InlineData(431, "https://tools.ietf.org/html/rfc6585#section-5")]
    [InlineData(500, "https://tools.ietf.org/html/rfc9110#section-15.6.1")]
    [InlineData(503, "https://tools.ietf.org/html/rfc9110#section-15.6.4")]
    [InlineData(507, "https://tools.ietf.org/html/rfc4918#section-11.5")]
    public void Each_status_links_to_its_definition(int status, string type) => ApiProblem.TypeOf(status).ShouldBe(type);

    private static async Task<(int Status, string? ContentType, JsonElement Problem)> HandleAsync(Exception exception)
    {
        var services = new ServiceCollection().AddLogging().AddCompozyApi().BuildServiceProvider();
        await using var _ = services;
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var handler = new ApiExceptionHandler(NullLogger<ApiExceptionHandler>.Instance);

        (await handler.TryHandleAsync(context, exception, CancellationToken.None)).ShouldBeTrue();

        context.Response.Body.Position = 0;
        using var document = await JsonDocument.ParseAsync(context.Response.Body);
        return (context.Response.StatusCode, context.Response.ContentType, document.RootElement.Clone());
    }
}
