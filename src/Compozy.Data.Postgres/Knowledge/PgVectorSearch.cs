using Compozy.Data.Configuration;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Compozy.Data.Knowledge;
using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>
/// Nearest-chunk searches of one knowledge base: through its HNSW index with the scan settings
/// for the query (<c>hnsw.ef_search</c>, iterative scans), or by an exact scan when asked or when
/// the knowledge base is small enough that the scan costs milliseconds.
/// </summary>
internal sealed class PgVectorSearch(
    VectorDatabaseOptions entry,
    PgVectorIndexSettings settings,
    IDbContextFactory<CompozyDbContext> contexts,
    TimeProvider clock,
    RelationalVectorStoreErrors errors,
    PgVectorFilterTranslator filters,
    PgVectorExtensionProbe probe)
{
    /// <summary>How long a knowledge base found above <c>exact_search_max_rows</c> is taken to still be, before it is counted again.</summary>
    private const int LargeRecheckSeconds = 60;

    // Knowledge bases last found above exact_search_max_rows, until when (TimeProvider timestamps).
    private readonly ConcurrentDictionary<string, long> _largeUntil = new(StringComparer.Ordinal);

    /// <summary>The SQL of a search; see <see cref="PgVectorStore.SearchSql"/>.</summary>
    public (IReadOnlyList<string> Settings, string Select) Sql(KnowledgeBaseDefinition knowledgeBase, VectorQuery query, bool exact)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(query);
        var statements = new List<string>();
        var topK = query.TopK;
        var version = probe.Version;
        var iterative = version is not null && version >= PgVectorStore.IterativeScanVersion;
        if (!exact)
        {
            statements.Add(string.Create(CultureInfo.InvariantCulture, $"SET LOCAL hnsw.ef_search = {settings.EfSearchFor(topK)}"));

            // Past ef_search candidates, or past the rows a filter drops, only an iterative scan
            // finds more; without one, too large a top_k falls back to the exact scan.
            if (iterative && (query.Filter.Count > 0 || topK > PgVectorIndexSettings.MaxEfSearch))
            {
                statements.Add("SET LOCAL hnsw.iterative_scan = strict_order");
            }
            else if (topK > PgVectorIndexSettings.MaxEfSearch)
            {
                exact = true;
                statements.Clear();
            }
        }

        var distance = exact ? PgVectorSql.ExactDistance(knowledgeBase.Metric, "@query") : PgVectorSql.Distance(knowledgeBase, "@query");
        var select = new StringBuilder()
            .Append("SELECT id, document_id, text, metadata, ").Append(distance).Append(" AS distance FROM ").Append(PgVectorSql.ChunksTable)
            .Append(" WHERE ").Append(PgVectorSql.KnowledgeBasePredicate(knowledgeBase.Name))
            .Append(query.Filter.Count > 0 ? " AND " + PgVectorFilterTranslator.Condition : string.Empty)
            .Append(" ORDER BY ").Append(distance)

            // Equal distances in id order, as the embedded store breaks ties; the index scan has no such order.
            .Append(exact ? ", id" : string.Empty)
            .Append(CultureInfo.InvariantCulture, $" LIMIT {topK}")
            .ToString();
        return (statements, select);
    }

    /// <summary>Runs a search; see <see cref="PgVectorStore.SearchAsync"/> and <see cref="PgVectorStore.SearchExactAsync"/>.</summary>
    public async Task<IReadOnlyList<VectorSearchResult>> SearchAsync(KnowledgeBaseDefinition knowledgeBase, VectorQuery query, bool exact, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(query);
        VectorStoreInput.CheckQuery(errors.Store, entry, knowledgeBase, query);
        var filter = filters.ToJson(query.Filter);
        return await errors.RunAsync<IReadOnlyList<VectorSearchResult>>(
            $"searching knowledge base '{knowledgeBase.Name}'",
            async token =>
            {
                if (!exact && probe.Version is null)
                {
                    await probe.ReadVersionAsync(token).ConfigureAwait(false);
                }

                var context = await contexts.CreateDbContextAsync(token).ConfigureAwait(false);
                await using (context.ConfigureAwait(false))
                {
                    return await context.Database.CreateExecutionStrategy().ExecuteAsync(
                        async inner =>
                        {
                            // SET LOCAL needs a transaction; it ends with it, so the pooled connection keeps no setting.
                            var transaction = await context.Database.BeginTransactionAsync(inner).ConfigureAwait(false);
                            await using (transaction.ConfigureAwait(false))
                            {
                                var (connection, npgsqlTransaction) = PgVectorCommands.Transaction(context);
                                var small = !exact && await IsSmallAsync(connection, npgsqlTransaction, knowledgeBase, inner).ConfigureAwait(false);
                                var (statements, select) = Sql(knowledgeBase, query, exact || small);
                                await using var batch = new NpgsqlBatch(connection, npgsqlTransaction);
                                foreach (var statement in statements)
                                {
                                    batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
                                }

                                var search = new NpgsqlBatchCommand(select);
                                search.Parameters.Add(PgVectorSql.Parameter("query", query.Embedding.Span));
                                if (filter is not null)
                                {
                                    search.Parameters.Add(PgVectorFilterTranslator.Parameter(filter));
                                }

                                batch.BatchCommands.Add(search);
                                var results = new List<VectorSearchResult>(query.TopK);
                                var reader = await batch.ExecuteReaderAsync(inner).ConfigureAwait(false);
                                await using (reader.ConfigureAwait(false))
                                {
                                    while (await reader.ReadAsync(inner).ConfigureAwait(false))
                                    {
                                        results.Add(new VectorSearchResult(
                                            reader.GetString(0),
                                            PgVectorSql.ToScore(knowledgeBase.Metric, reader.GetDouble(4)),
                                            reader.GetString(2),
                                            reader.IsDBNull(3) ? null : ParseJson(reader.GetString(3)),
                                            reader.GetString(1)));
                                    }
                                }

                                await transaction.CommitAsync(inner).ConfigureAwait(false);
                                return (IReadOnlyList<VectorSearchResult>)results;
                            }
                        },
                        token).ConfigureAwait(false);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the knowledge base has at most <see cref="PgVectorIndexSettings.ExactSearchMaxRows"/>
    /// chunks, so that an exact scan is cheap. Counting stops one past the bound, so it costs at
    /// most that many index entries; a knowledge base found larger is remembered as such for a
    /// minute (knowledge bases rarely shrink), so searches of large ones do not count each time.
    /// </summary>
    private async Task<bool> IsSmallAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, KnowledgeBaseDefinition knowledgeBase, CancellationToken cancellationToken)
    {
        var bound = settings.ExactSearchMaxRows;
        if (bound <= 0)
        {
            return false;
        }

        var now = clock.GetTimestamp();
        if (_largeUntil.TryGetValue(knowledgeBase.Name, out var until) && now < until)
        {
            return false;
        }

        await using var count = new NpgsqlCommand(
            $"SELECT count(*) FROM (SELECT 1 FROM {PgVectorSql.ChunksTable} WHERE knowledge_base_name = @kb LIMIT @limit) AS bounded",
            connection,
            transaction);
        count.Parameters.Add(new NpgsqlParameter<string>("kb", knowledgeBase.Name));
        count.Parameters.Add(new NpgsqlParameter<int>("limit", bound + 1));
        var rows = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (rows <= bound)
        {
            _largeUntil.TryRemove(knowledgeBase.Name, out _);
            return true;
        }

        _largeUntil[knowledgeBase.Name] = now + (long)(clock.TimestampFrequency * LargeRecheckSeconds);
        return false;
    }

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
