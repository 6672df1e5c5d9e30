using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;
using ConditionCase = Qdrant.Client.Grpc.Condition.ConditionOneOfOneofCase;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// What Qdrant refuses, with <c>InvalidArgument</c>, in the requests the store sends: the
/// validation Qdrant declares for its gRPC messages (<c>lib/api/build.rs</c> and
/// <c>grpc/validate.rs</c> of Qdrant: collection names of 1 to 255 characters without <c>/</c>,
/// vector sizes of 1 to 65536, a query <c>limit</c> of at least 1, a field condition with a
/// condition, ...) and what its conversions reject (a point id that is not a UUID, a vector of
/// another size than the collection's). Two rules are the store's own, for requests Qdrant would
/// take but the store must never send: a collection without its one unnamed vector, and a range
/// without a bound (which matches every number). Each problem names the field, so a test that
/// finds one says what the store got wrong.
/// </summary>
public static class QdrantContractRules
{
    private const int MaxNameLength = 255;
    private const ulong MaxVectorSize = 65_536;
    private static readonly char[] CreateForbidden = ['<', '>', ':', '"', '/', '\\', '|', '?', '*', '\0', '\u001F'];
    private static readonly char[] LegacyForbidden = ['/', '\0'];

    /// <summary>The problems of <paramref name="request"/>; empty when Qdrant would accept it.</summary>
    /// <param name="request">A request message of a method of <see cref="QdrantGrpcContract"/>.</param>
    /// <param name="sizeOf">The vector size of an existing collection, or <see langword="null"/> when it does not exist.</param>
    public static IReadOnlyList<string> Check(IMessage request, Func<string, ulong?> sizeOf)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(sizeOf);
        var problems = new List<string>();
        switch (request)
        {
            case CollectionExistsRequest exists:
                Name(problems, exists.CollectionName, LegacyForbidden);
                break;
            case GetCollectionInfoRequest get:
                Name(problems, get.CollectionName, LegacyForbidden);
                break;
            case CreateCollection create:
                Name(problems, create.CollectionName, CreateForbidden);
                CreateShape(problems, create);
                break;
            case CreateFieldIndexCollection index:
                Name(problems, index.CollectionName, LegacyForbidden);
                if (index.FieldName.Length == 0)
                {
                    problems.Add("field_name: must not be empty");
                }

                if (!index.HasFieldType)
                {
                    problems.Add("field_type: is not set; Qdrant cannot guess the index type from a gRPC request");
                }

                break;
            case UpsertPoints upsert:
                Name(problems, upsert.CollectionName, LegacyForbidden);
                for (var i = 0; i < upsert.Points.Count; i++)
                {
                    Point(problems, $"points[{i}]", upsert.Points[i], sizeOf(upsert.CollectionName));
                }

                break;
            case DeletePoints delete:
                Name(problems, delete.CollectionName, LegacyForbidden);
                switch (delete.Points?.PointsSelectorOneOfCase)
                {
                    case PointsSelector.PointsSelectorOneOfOneofCase.Filter:
                        Filter(problems, "points.filter", delete.Points.Filter);
                        break;
                    case PointsSelector.PointsSelectorOneOfOneofCase.Points:
                        Ids(problems, "points.points.ids", delete.Points.Points.Ids);
                        break;
                    default:
                        problems.Add("points: is not set; a delete needs point ids or a filter");
                        break;
                }

                break;
            case QueryPoints query:
                Name(problems, query.CollectionName, LegacyForbidden);
                if (!query.HasLimit || query.Limit < 1)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"limit: {query.Limit} is out of range; at least 1"));
                }

                if (query.Query?.VariantCase == Query.VariantOneofCase.Nearest)
                {
                    Dense(problems, "query.nearest", query.Query.Nearest.VariantCase == VectorInput.VariantOneofCase.Dense ? query.Query.Nearest.Dense.Data : null, sizeOf(query.CollectionName));
                }

                if (query.Filter is not null)
                {
                    Filter(problems, "filter", query.Filter);
                }

                break;
        }

        return problems;
    }

    private static void Name(List<string> problems, string name, char[] forbidden)
    {
        if (name.Length is 0 or > MaxNameLength)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"collection_name: \"{name}\" must have 1 to {MaxNameLength} characters"));
        }
        else if (name.IndexOfAny(forbidden) is >= 0 and var at)
        {
            problems.Add($"collection_name: \"{name}\" cannot contain \"{name[at]}\"");
        }
    }

    private static void CreateShape(List<string> problems, CreateCollection create)
    {
        foreach (var (field, has, value) in new[]
        {
            ("shard_number", create.HasShardNumber, create.ShardNumber),
            ("replication_factor", create.HasReplicationFactor, create.ReplicationFactor),
            ("write_consistency_factor", create.HasWriteConsistencyFactor, create.WriteConsistencyFactor),
        })
        {
            if (has && value < 1)
            {
                problems.Add($"{field}: must be at least 1");
            }
        }

        if (create.VectorsConfig?.ConfigCase != VectorsConfig.ConfigOneofCase.Params)
        {
            problems.Add("vectors_config: the store must create one unnamed vector (params)");
            return;
        }

        var vector = create.VectorsConfig.Params;
        if (vector.Size is < 1 or > MaxVectorSize)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"vectors_config.params.size: {vector.Size} is out of range; 1 to {MaxVectorSize}"));
        }

        if (vector.Distance == Distance.UnknownDistance)
        {
            problems.Add("vectors_config.params.distance: is not set");
        }
    }

    private static void Point(List<string> problems, string path, PointStruct point, ulong? size)
    {
        Id(problems, $"{path}.id", point.Id);
        var vector = point.Vectors?.VectorsOptionsCase == Vectors.VectorsOptionsOneofCase.Vector ? point.Vectors.Vector : null;
        if (vector is null)
        {
            problems.Add($"{path}.vectors: the collection has one unnamed vector, so the point needs one (vectors.vector)");
            return;
        }

        Dense(problems, $"{path}.vectors.vector", vector.VectorCase == Vector.VectorOneofCase.Dense ? vector.Dense.Data : null, size);
    }

    private static void Dense(List<string> problems, string path, RepeatedField<float>? values, ulong? size)
    {
        if (values is null)
        {
            problems.Add($"{path}: is not a dense vector");
        }
        else if (size is { } expected && (ulong)values.Count != expected)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: Wrong input: Vector dimension error: expected dim: {expected}, got {values.Count}"));
        }
    }

    private static void Ids(List<string> problems, string path, RepeatedField<PointId> ids)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            Id(problems, $"{path}[{i}]", ids[i]);
        }
    }

    private static void Id(List<string> problems, string path, PointId? id)
    {
        switch (id?.PointIdOptionsCase)
        {
            case PointId.PointIdOptionsOneofCase.Num:
                break;
            case PointId.PointIdOptionsOneofCase.Uuid when Guid.TryParse(id.Uuid, out _):
                break;
            case PointId.PointIdOptionsOneofCase.Uuid:
                problems.Add($"{path}: Unable to parse UUID: {id.Uuid}");
                break;
            default:
                problems.Add($"{path}: is not set");
                break;
        }
    }

    private static void Filter(List<string> problems, string path, Filter filter)
    {
        foreach (var (clause, conditions) in new[] { ("must", filter.Must), ("should", filter.Should), ("must_not", filter.MustNot) })
        {
            for (var i = 0; i < conditions.Count; i++)
            {
                Condition(problems, $"{path}.{clause}[{i}]", conditions[i]);
            }
        }
    }

    private static void Condition(List<string> problems, string path, Condition condition)
    {
        switch (condition.ConditionOneOfCase)
        {
            case ConditionCase.Field:
                var field = condition.Field;
                if (field.Key.Length == 0)
                {
                    problems.Add($"{path}.field.key: must not be empty");
                }

                if (field.Match is null && field.Range is null && field.DatetimeRange is null && field.GeoBoundingBox is null
                    && field.GeoRadius is null && field.GeoPolygon is null && field.ValuesCount is null && !field.HasIsEmpty && !field.HasIsNull)
                {
                    problems.Add($"{path}.field: At least one field condition must be specified");
                }

                if (field.Match is { MatchValueCase: Match.MatchValueOneofCase.None })
                {
                    problems.Add($"{path}.field.match: Malformed Match condition");
                }

                if (field.Range is { HasGt: false, HasGte: false, HasLt: false, HasLte: false })
                {
                    problems.Add($"{path}.field.range: has no bound, so it matches every number");
                }

                break;
            case ConditionCase.HasId:
                Ids(problems, $"{path}.has_id.has_id", condition.HasId.HasId);
                break;
            case ConditionCase.Filter:
                Filter(problems, $"{path}.filter", condition.Filter);
                break;
            case ConditionCase.None:
                problems.Add($"{path}: Malformed Condition type: no condition is set");
                break;
        }
    }
}
