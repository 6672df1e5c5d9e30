using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// One collection of <see cref="QdrantFakeService"/>: its vector shape, payload indexes and points,
/// with the parts of Qdrant's semantics the store relies on: upsert replaces a point by id, a
/// filter's <c>must</c>/<c>should</c>/<c>must_not</c> with keyword, boolean and integer matches,
/// ranges and id sets, and exact nearest-neighbour scoring per distance, best first.
/// </summary>
public sealed class QdrantFakeCollectionState(VectorsConfig vectors)
{
    private readonly Dictionary<string, (PointId Id, float[] Vector, MapField<string, Value> Payload)> _points = new(StringComparer.Ordinal);

    public VectorsConfig Vectors { get; } = vectors;

    public Dictionary<string, PayloadSchemaType> Indexes { get; } = new(StringComparer.Ordinal);

    /// <summary>The size of the unnamed vector, or <see langword="null"/> for named vectors.</summary>
    public ulong? Size => Vectors.ConfigCase == VectorsConfig.ConfigOneofCase.Params ? Vectors.Params.Size : null;

    public int Count => _points.Count;

    public IReadOnlyList<MapField<string, Value>> Payloads => [.. _points.Values.Select(point => point.Payload)];

    public static QdrantFakeCollectionState Unnamed(ulong size, Distance distance) =>
        new(new VectorsConfig { Params = new VectorParams { Size = size, Distance = distance } });

    public void Upsert(IEnumerable<PointStruct> points)
    {
        foreach (var point in points)
        {
            _points[Key(point.Id)] = (point.Id, [.. point.Vectors.Vector.Dense.Data], point.Payload.Clone());
        }
    }

    public void Delete(PointsSelector selector)
    {
        var doomed = selector.PointsSelectorOneOfCase == PointsSelector.PointsSelectorOneOfOneofCase.Points
            ? selector.Points.Ids.Select(Key).ToList()
            : [.. _points.Where(point => Matches(selector.Filter, point.Value.Id, point.Value.Payload)).Select(point => point.Key)];
        foreach (var key in doomed)
        {
            _points.Remove(key);
        }
    }

    public IEnumerable<ScoredPoint> Query(QueryPoints query)
    {
        var target = query.Query.Nearest.Dense.Data.ToArray();
        var distance = Vectors.Params.Distance;
        var scored = _points.Values
            .Where(point => query.Filter is null || Matches(query.Filter, point.Id, point.Payload))
            .Select(point => (Point: point, Score: Score(distance, target, point.Vector)));

        // Euclid: smaller is nearer; the others: larger is.
        scored = distance == Distance.Euclid ? scored.OrderBy(hit => hit.Score) : scored.OrderByDescending(hit => hit.Score);
        foreach (var (point, score) in scored.Take((int)query.Limit))
        {
            var hit = new ScoredPoint { Id = point.Id, Score = (float)score };
            if (query.WithPayload?.Enable == true)
            {
                hit.Payload.Add(point.Payload);
            }

            yield return hit;
        }
    }

    private static double Score(Distance distance, float[] query, float[] vector)
    {
        double dot = 0, queryNorm = 0, vectorNorm = 0, squares = 0;
        for (var i = 0; i < query.Length; i++)
        {
            dot += (double)query[i] * vector[i];
            queryNorm += (double)query[i] * query[i];
            vectorNorm += (double)vector[i] * vector[i];
            squares += ((double)query[i] - vector[i]) * ((double)query[i] - vector[i]);
        }

        return distance switch
        {
            Distance.Cosine => dot / Math.Sqrt(queryNorm * vectorNorm),
            Distance.Euclid => Math.Sqrt(squares),
            _ => dot,
        };
    }

    private static bool Matches(Filter filter, PointId id, MapField<string, Value> payload) =>
        filter.Must.All(condition => Matches(condition, id, payload))
        && !filter.MustNot.Any(condition => Matches(condition, id, payload))
        && (filter.Should.Count == 0 || filter.Should.Any(condition => Matches(condition, id, payload)));

    private static bool Matches(Condition condition, PointId id, MapField<string, Value> payload) => condition.ConditionOneOfCase switch
    {
        Condition.ConditionOneOfOneofCase.HasId => condition.HasId.HasId.Any(candidate => Key(candidate) == Key(id)),
        Condition.ConditionOneOfOneofCase.Filter => Matches(condition.Filter, id, payload),
        Condition.ConditionOneOfOneofCase.Field => Matches(condition.Field, Resolve(payload, condition.Field.Key)),
        _ => throw new NotSupportedException($"the fake does not evaluate {condition.ConditionOneOfCase} conditions"),
    };

    private static bool Matches(FieldCondition field, Value? value)
    {
        if (value is null)
        {
            return false;
        }

        if (field.Match is { } match)
        {
            return match.MatchValueCase switch
            {
                Match.MatchValueOneofCase.Keyword => value.KindCase == Value.KindOneofCase.StringValue && value.StringValue == match.Keyword,
                Match.MatchValueOneofCase.Boolean => value.KindCase == Value.KindOneofCase.BoolValue && value.BoolValue == match.Boolean,

                // Qdrant's integer match compares integers only, never doubles.
                Match.MatchValueOneofCase.Integer => value.KindCase == Value.KindOneofCase.IntegerValue && value.IntegerValue == match.Integer,
                _ => throw new NotSupportedException($"the fake does not evaluate {match.MatchValueCase} matches"),
            };
        }

        if (field.Range is { } range)
        {
            double? number = value.KindCase switch
            {
                Value.KindOneofCase.IntegerValue => value.IntegerValue,
                Value.KindOneofCase.DoubleValue => value.DoubleValue,
                _ => null,
            };
            return number is { } n
                && (!range.HasGt || n > range.Gt) && (!range.HasGte || n >= range.Gte)
                && (!range.HasLt || n < range.Lt) && (!range.HasLte || n <= range.Lte);
        }

        throw new NotSupportedException("the fake evaluates match and range field conditions only");
    }

    /// <summary>The value at a payload path: segments split on <c>.</c>, a segment in double quotes taken whole.</summary>
    private static Value? Resolve(MapField<string, Value> payload, string path)
    {
        var segments = new List<string>();
        var position = 0;
        while (position < path.Length)
        {
            if (path[position] == '"')
            {
                var end = path.IndexOf('"', position + 1);
                segments.Add(path[(position + 1)..end]);
                position = end + 2;
            }
            else
            {
                var end = path.IndexOf('.', position);
                end = end < 0 ? path.Length : end;
                segments.Add(path[position..end]);
                position = end + 1;
            }
        }

        Value? current = null;
        var fields = payload;
        foreach (var segment in segments)
        {
            if (fields is null || !fields.TryGetValue(segment, out current))
            {
                return null;
            }

            fields = current.KindCase == Value.KindOneofCase.StructValue ? current.StructValue.Fields : null;
        }

        return current;
    }

    private static string Key(PointId id) =>
        id.PointIdOptionsCase == PointId.PointIdOptionsOneofCase.Uuid ? Guid.Parse(id.Uuid).ToString("D") : id.Num.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
