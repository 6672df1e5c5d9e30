using System.Globalization;
using Compozy.Data.Knowledge;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>The HNSW index one knowledge base needs, as DDL and as what the catalog should show.</summary>
internal sealed class PgVectorIndexDefinition(KnowledgeBaseDefinition knowledgeBase, PgVectorIndexSettings settings)
{
    /// <summary>Reads an index of <see cref="PgVectorSql.ChunksTable"/> by name; no row when there is none.</summary>
    public const string StateQuery =
        """
        SELECT i.indisvalid, am.amname, a.atttypmod, opc.opcname, pg_get_expr(i.indpred, i.indrelid)
        FROM pg_class c
        JOIN pg_index i ON i.indexrelid = c.oid
        JOIN pg_am am ON am.oid = c.relam
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = 1
        JOIN pg_opclass opc ON opc.oid = i.indclass[0]
        WHERE c.relname = @name AND i.indrelid = 'knowledge_chunks'::regclass
        """;

    public KnowledgeBaseDefinition KnowledgeBase { get; } = knowledgeBase;

    public string Name { get; } = PgVectorSql.IndexName(knowledgeBase.Name);

    public long LockKey { get; } = PgVectorSql.IndexLockKey(knowledgeBase.Name);

    /// <summary>
    /// <c>CONCURRENTLY</c>: building over a table shared by every knowledge base must not block
    /// their writes. An interrupted build leaves an invalid index, which <see cref="Matches"/>
    /// rejects so that the next ensure rebuilds it.
    /// </summary>
    public string CreateSql => string.Create(
        CultureInfo.InvariantCulture,
        $"CREATE INDEX CONCURRENTLY IF NOT EXISTS {Name} ON {PgVectorSql.ChunksTable} USING hnsw " +
        $"({PgVectorSql.IndexedEmbedding(KnowledgeBase.Dimension)} {PgVectorSql.OperatorClass(KnowledgeBase.Metric)}) " +
        $"WITH (m = {settings.M}, ef_construction = {settings.EfConstruction}) " +
        $"WHERE {PgVectorSql.KnowledgeBasePredicate(KnowledgeBase.Name)}");

    public string DropSql => $"DROP INDEX CONCURRENTLY IF EXISTS {Name}";

    /// <summary>
    /// The predicate as PostgreSQL prints it back for this knowledge base (with
    /// <c>standard_conforming_strings</c> on, the default): the guard against an index left by
    /// another name with the same hash prefix.
    /// </summary>
    private string ExpectedPredicate => $"({PgVectorSql.KnowledgeBaseColumn} = '{KnowledgeBase.Name.Replace("'", "''", StringComparison.Ordinal)}'::text)";

    /// <summary>Whether <paramref name="state"/> is a usable index of this knowledge base's dimension and metric.</summary>
    public bool Matches(PgVectorIndexState state) =>
        state.IsValid && DescribesSameIndex(state);

    /// <summary>What differs between <paramref name="state"/> and this definition, for a message.</summary>
    public string Describe(PgVectorIndexState state) => string.Create(
        CultureInfo.InvariantCulture,
        $"index {Name} is {state.AccessMethod} on vector({state.Dimension}) with {state.OperatorClass} where {state.Predicate}{(state.IsValid ? string.Empty : " (invalid: an interrupted build)")}; " +
        $"knowledge base '{KnowledgeBase.Name}' needs hnsw on vector({KnowledgeBase.Dimension}) with {PgVectorSql.OperatorClass(KnowledgeBase.Metric)}");

    private bool DescribesSameIndex(PgVectorIndexState state) =>
        state.AccessMethod == "hnsw"
        && state.Dimension == KnowledgeBase.Dimension
        && state.OperatorClass == PgVectorSql.OperatorClass(KnowledgeBase.Metric)
        && state.Predicate == ExpectedPredicate;
}
