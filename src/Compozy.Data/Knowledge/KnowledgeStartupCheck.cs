using Compozy.Data.Entities;
using Compozy.Data.Persistence;
using Compozy.Data.Persistence.Conventions;
using Compozy.Data.Startup;
using Compozy.Data.Stores.Sql;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Knowledge;

/// <summary>
/// At start, once the schema is current: logs which store each vector database uses, checks each
/// store (reachable, and able to hold its dimension and metric), and checks that every existing
/// knowledge base still has a configured vector database of its dimension, whose store still
/// holds what the knowledge base needs. Any failure stops the start with a message naming the
/// setting to fix.
/// </summary>
internal sealed partial class KnowledgeStartupCheck(
    VectorStoreRegistry stores,
    IDbContextFactory<CompozyDbContext> contexts,
    ILogger<KnowledgeStartupCheck> logger) : ISchemaStartupCheck
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in stores.Entries)
        {
            if (entry.IsDefault)
            {
                LogDefaultStore(entry.Provider);
            }
            else
            {
                var metric = StoredNames.Of(entry.Metric);
                LogStore(entry.Id, entry.Provider, entry.Dimension, metric);
            }

            await stores.Store(entry.Id).CheckAsync(cancellationToken).ConfigureAwait(false);
        }

        var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            // Not a LINQ query: it would be the process's first, and compiling it is a large part
            // of the time to ready (ModelRows).
            var knowledgeBases = await ModelRows.ReadAllAsync<KnowledgeBase>(context, nameof(KnowledgeBase.Name), cancellationToken).ConfigureAwait(false);
            foreach (var knowledgeBase in knowledgeBases)
            {
                var store = stores.Store(knowledgeBase.VectorDbId);
                var entry = store.Options;
                if (entry.Dimension > 0 && entry.Dimension != knowledgeBase.Dimension)
                {
                    throw new VectorStoreException(
                        VectorStoreErrorKind.Mismatch,
                        $"knowledge base '{knowledgeBase.Name}' holds embeddings of dimension {knowledgeBase.Dimension}, but {entry.DisplayPath} (\"{entry.Id}\") now says dimension: {entry.Dimension}; " +
                        "set it back, or delete the knowledge base and load it again with the new embeddings");
                }

                await store.EnsureKnowledgeBaseAsync(
                    new KnowledgeBaseDefinition(knowledgeBase.Name, knowledgeBase.VectorDbId, knowledgeBase.Dimension, knowledgeBase.Metric),
                    cancellationToken).ConfigureAwait(false);
            }

            if (knowledgeBases.Count > 0)
            {
                LogKnowledgeBasesChecked(knowledgeBases.Count);
            }
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "knowledge.vector_dbs is empty: knowledge bases use the {Provider} store of this database")]
    private partial void LogDefaultStore(string provider);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "vector database \"{Id}\": provider {Provider}, dimension {Dimension}, metric {Metric}")]
    private partial void LogStore(string id, string provider, int dimension, string metric);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "{Count} knowledge bases match their vector databases")]
    private partial void LogKnowledgeBasesChecked(int count);
}
