using System.Text.Json;
using Compozy.Data.Knowledge;
using Compozy.Data.Qdrant;
using Qdrant.Client.Grpc;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>Chunk metadata as Qdrant payload values and back, and the filters built on it.</summary>
public sealed class QdrantPayloadTests
{
    [Theory]
    [InlineData("""{"s":"text","i":-42,"big":9007199254740993,"d":2.5,"t":true,"f":false,"n":null}""")]
    [InlineData("""{"nested":{"list":[1,"two",[3.25],{"deep":null}]},"empty":{},"none":[]}""")]
    [InlineData("""{"unicode":"\u00e9\u4e2d\ud83d\ude00","quote":"\"","a.b":"dotted key"}""")]
    public void Metadata_survives_the_trip_through_payload_values_exactly(string json)
    {
        using var document = JsonDocument.Parse(json);

        var back = QdrantJsonValues.ToJson(QdrantJsonValues.ToValue(document.RootElement));

        JsonElement.DeepEquals(back, document.RootElement).ShouldBeTrue(back.GetRawText());
    }

    [Fact]
    public void Integers_stay_integers_and_other_numbers_are_doubles()
    {
        using var document = JsonDocument.Parse("""{"i":9007199254740993,"d":3.0,"e":1e3}""");

        var fields = QdrantJsonValues.ToValue(document.RootElement).StructValue.Fields;

        fields["i"].IntegerValue.ShouldBe(9_007_199_254_740_993L);
        fields["d"].KindCase.ShouldBe(Value.KindOneofCase.DoubleValue);
        fields["e"].DoubleValue.ShouldBe(1000);
    }

    [Fact]
    public void Numbers_are_filtered_by_value_and_integers_beyond_two_to_the_53_by_exact_match()
    {
        var small = QdrantFilters.Metadata("page", JsonSerializer.SerializeToElement(3)).Field;
        var big = QdrantFilters.Metadata("id", JsonSerializer.SerializeToElement(9_007_199_254_740_993L)).Field;
        var text = QdrantFilters.Metadata("a.b", JsonSerializer.SerializeToElement("x")).Field;

        (small.Key, small.Range.Gte, small.Range.Lte).ShouldBe(("metadata.page", 3, 3));
        (big.Key, big.Match.Integer).ShouldBe(("metadata.id", 9_007_199_254_740_993L));
        (text.Key, text.Match.Keyword).ShouldBe(("metadata.\"a.b\"", "x"));
    }

    [Theory]
    [InlineData("say \"hi\"", "contains \" or \\")]
    [InlineData("back\\slash", "contains \" or \\")]
    public void A_key_Qdrants_path_syntax_cannot_hold_is_an_InvalidRequest(string key, string expected)
    {
        var failure = Should.Throw<VectorStoreException>(() => QdrantFilters.Metadata(key, JsonSerializer.SerializeToElement("x")));

        failure.Kind.ShouldBe(VectorStoreErrorKind.InvalidRequest);
        failure.Message.ShouldContain(expected);
    }

    [Fact]
    public void A_filter_value_that_is_not_a_scalar_is_an_InvalidRequest_naming_the_key()
    {
        var failure = Should.Throw<VectorStoreException>(() => QdrantFilters.Metadata("tags", JsonDocument.Parse("""["a"]""").RootElement));

        failure.Kind.ShouldBe(VectorStoreErrorKind.InvalidRequest);
        failure.Message.ShouldContain("the filter on metadata key \"tags\" is array");
    }

    [Fact]
    public async Task An_integer_beyond_two_to_the_53_finds_exactly_its_chunk()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        var entry = QdrantTestStores.Entry(server);
        using var store = QdrantTestStores.Store(entry);
        var kb = QdrantTestStores.KnowledgeBase(entry);
        await store.UpsertChunksAsync(
            kb,
            [QdrantTestStores.Chunk("c-1", metadataJson: """{"id":9007199254740993}"""), QdrantTestStores.Chunk("c-2", metadataJson: """{"id":9007199254740992}""")],
            CancellationToken.None);

        var hits = await store.SearchAsync(
            kb,
            QdrantTestStores.Query(filter: new Dictionary<string, JsonElement> { ["id"] = JsonSerializer.SerializeToElement(9_007_199_254_740_993L) }),
            CancellationToken.None);

        hits.ShouldHaveSingleItem().Id.ShouldBe("c-1");
        server.Service.AllViolations().ShouldBeEmpty();
    }
}
