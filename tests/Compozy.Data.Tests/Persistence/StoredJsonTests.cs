using System.Text;
using System.Text.Json;
using Compozy.Data.Errors;
using Compozy.Data.Persistence;

namespace Compozy.Data.Tests.Persistence;

public sealed class StoredJsonTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("1.7976931348623157e308")]
    [InlineData("-1.7976931348623157E+308")]
    [InlineData("4.9e-324")]
    [InlineData("1e-1000")]
    [InlineData("0.5e-999")]
    [InlineData("0e1000")]
    [InlineData("1e-5")]
    public void A_number_both_databases_store_is_accepted(string number) => Problems($$"""{"n":{{number}}}""").ShouldBeEmpty(number);

    [Theory]
    [InlineData("1.8e308")]
    [InlineData("1e400")]
    [InlineData("-1e309")]
    [InlineData("1e-1001")]
    [InlineData("0.5e-1000")]
    [InlineData("1e1001")]
    [InlineData("0e1001")]
    [InlineData("1e-20000")]
    [InlineData("1e99999999999999999999")]
    public void A_number_a_database_would_refuse_or_overflow_is_refused_with_the_range(string number)
    {
        var problems = Problems($$"""{"n":{{number}}}""");

        problems.Keys.ToArray().ShouldBe(["n"], number);
        problems["n"].Single().ShouldContain("allowed: a finite number up to 1.7976931348623157e308", customMessage: number);
    }

    [Fact]
    public void A_decimal_written_out_beyond_a_float64_is_refused_and_one_digit_fewer_is_not()
    {
        Problems($$"""{"n":{{new string('9', 309)}}}""").Keys.ToArray().ShouldBe(["n"]);
        Problems($$"""{"n":{{new string('9', 308)}}}""").ShouldBeEmpty();
        Problems($$"""{"n":0.{{new string('1', 1000)}}}""").ShouldBeEmpty();
        Problems($$"""{"n":0.{{new string('1', 1001)}}}""").Keys.ToArray().ShouldBe(["n"]);
    }

    [Fact]
    public void Each_problem_is_named_by_its_path_inside_the_body()
    {
        var problems = Problems("""
            {"output":{"items":["ok","\ud800",{"a\u0000":1}],"k":1,"k":2,"a.b":{"c":"\udc00"}},"":"x\u0000"}
            """);

        problems.Keys.ShouldBe(["output.items[1]", "output.items[2]", "output.k", "output[\"a.b\"].c", "[\"\"]"], ignoreOrder: true);
        problems["output.items[1]"].Single().ShouldContain("lone UTF-16 surrogate");
        problems["output.items[2]"].Single().ShouldStartWith("has a key that holds \\u0000");
        problems["output.k"].Single().ShouldContain("more than once");
        problems["output[\"a.b\"].c"].Single().ShouldContain("lone UTF-16 surrogate");
        problems["[\"\"]"].Single().ShouldContain("\\u0000");
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_told_apart_from_a_lone_surrogate()
    {
        byte[] body = [.. "{\"a\":\"x"u8, 0xC3, 0x28, .. "\",\"b\":\"\\udfff\",\""u8, 0xFF, .. "\":1}"u8];
        using var document = JsonDocument.Parse(body);
        var problems = new RequestProblems();

        StoredJson.CheckBody(problems, document.RootElement);

        var errors = Errors(problems);
        errors["a"].Single().ShouldContain("not UTF-8");
        errors["b"].Single().ShouldContain("lone UTF-16 surrogate");
        errors["body"].Single().ShouldBe("has a key that holds bytes that are not UTF-8; send the body as UTF-8");
    }

    [Fact]
    public void A_value_may_nest_as_deep_as_reads_accept_and_no_deeper()
    {
        static JsonElement Nested(int levels) =>
            JsonDocument.Parse(new StringBuilder().Insert(0, "[", levels).Append(']', levels).ToString(), new JsonDocumentOptions { MaxDepth = levels + 1 }).RootElement;

        var deepest = new RequestProblems();
        StoredJson.Check(deepest, "input", Nested(StoredJson.MaxDepth));
        deepest.IsEmpty.ShouldBeTrue();

        var tooDeep = new RequestProblems();
        StoredJson.Check(tooDeep, "input", Nested(StoredJson.MaxDepth + 1));
        Errors(tooDeep).Single().Value.Single().ShouldBe($"nests more than {StoredJson.MaxDepth} levels deep; allowed: at most {StoredJson.MaxDepth}");
    }

    [Fact]
    public void A_body_with_many_problems_lists_the_first_hundred()
    {
        var body = "{\"a\":[" + string.Join(',', Enumerable.Repeat("\"\\u0000\"", 500)) + "]}";

        var problems = Problems(body);

        problems.Count.ShouldBe(StoredJson.MaxProblems);
        problems[$"a[{StoredJson.MaxProblems - 1}]"].Single().ShouldEndWith("(the first 100 problems are listed; there may be more)");
    }

    [Fact]
    public void Text_is_well_formed_unicode_without_nul()
    {
        const char High = (char)0xD83D;
        const char Low = (char)0xDE00;
        (string Text, string? Says)[] cases =
        [
            ("plain", null),
            ($"pair {High}{Low}", null),
            ("nul \0", "\\u0000"),
            ($"high {High} alone", "lone UTF-16 surrogate"),
            ($"{Low} low first", "lone UTF-16 surrogate"),
            ($"ends high {High}", "lone UTF-16 surrogate"),
        ];

        foreach (var (text, says) in cases)
        {
            var problem = StoredJson.TextProblem(text);
            if (says is null)
            {
                problem.ShouldBeNull(text);
            }
            else
            {
                problem.ShouldNotBeNull(text).ShouldContain(says);
            }
        }
    }

    private static Dictionary<string, string[]> Problems(string json)
    {
        using var document = JsonDocument.Parse(json);
        var problems = new RequestProblems();
        StoredJson.CheckBody(problems, document.RootElement);
        return Errors(problems);
    }

    private static Dictionary<string, string[]> Errors(RequestProblems problems)
    {
        if (problems.IsEmpty)
        {
            return [];
        }

        var error = Should.Throw<RequestValidationException>(problems.ThrowIfAny);
        return error.Errors.ToDictionary(pair => pair.Key, pair => pair.Value);
    }
}
