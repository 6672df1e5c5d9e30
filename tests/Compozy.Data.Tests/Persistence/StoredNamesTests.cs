using System.Text.Json;
using System.Text.Json.Serialization;
using Compozy.Data.Entities;
using Compozy.Data.Persistence.Conventions;

namespace Compozy.Data.Tests.Persistence;

public sealed class StoredNamesTests
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    [Fact]
    public void Every_member_is_stored_under_the_name_the_JSON_API_writes() =>
        Enum.GetValues<ExecutionStatus>().Select(StoredNames.Of)
            .ShouldBe(Enum.GetValues<ExecutionStatus>().Select(value => JsonSerializer.Serialize(value, Json).Trim('"')));

    [Fact]
    public void Names_come_in_declaration_order() =>
        StoredNames.All<ExecutionStatus>().ShouldBe(Enum.GetValues<ExecutionStatus>().Select(StoredNames.Of));

    [Fact]
    public void Each_name_parses_back_to_its_member()
    {
        foreach (var role in Enum.GetValues<UserRole>())
        {
            StoredNames.Parse<UserRole>(StoredNames.Of(role)).ShouldBe(role);
        }

        StoredNames.TryParse<ExecutionType>(StoredNames.Of(ExecutionType.Basic), out var type).ShouldBeTrue();
        type.ShouldBe(ExecutionType.Basic);
    }

    [Fact]
    public void Parsing_is_exact_and_names_what_is_allowed()
    {
        var stored = StoredNames.Of(ExecutionStatus.TimedOut);
        StoredNames.TryParse<ExecutionStatus>(stored.ToLowerInvariant(), out _).ShouldBeFalse();
        StoredNames.TryParse<ExecutionStatus>("TimedOut", out _).ShouldBeFalse();

        var refused = Should.Throw<InvalidOperationException>(() => StoredNames.Parse<ExecutionStatus>("LOST"));
        refused.Message.ShouldContain("'LOST'");
        refused.Message.ShouldContain(string.Join(", ", StoredNames.All<ExecutionStatus>()));
    }

    [Fact]
    public void A_value_no_member_declares_is_refused_by_name() =>
        Should.Throw<ArgumentOutOfRangeException>(() => StoredNames.Of((ExecutionStatus)999)).Message.ShouldContain("allowed: ");
}
