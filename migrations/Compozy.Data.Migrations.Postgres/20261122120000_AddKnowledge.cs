using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Compozy.Data.Migrations.Postgres;

/// <summary>
/// Adds knowledge bases, their documents and their chunks, with embeddings in pgvector's
/// <c>vector</c> type (the extension is created if missing).
/// </summary>
/// <remarks>
/// <para>The embedding column has no dimension: knowledge bases of different dimensions share
/// the table. Each knowledge base's HNSW index is a partial expression index on
/// <c>embedding::vector(n)</c> that the pgvector store creates when the knowledge base is created,
/// so it cannot be part of a migration.</para>
/// <para><see cref="Down"/> drops the tables but leaves the extension: it may have been created by
/// an administrator, may serve other schemas, and dropping it needs its owner.</para>
/// </remarks>
[DbContext(typeof(CompozyDbContext))]
[Migration("20261122120000_AddKnowledge")]
public sealed class AddKnowledge : Migration
{
    private const string Now = "now()";
    private const string Timestamp = "timestamp with time zone";

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);

        // As an annotation rather than raw SQL: EF's PostgreSQL migrator then reloads Npgsql's type
        // catalog after this migration, so the running process can use vector at once.
        migrationBuilder.AlterDatabase()
            .Annotation("Npgsql:PostgresExtension:vector", ",,");

        migrationBuilder.CreateTable(
            name: "knowledge_bases",
            columns: table => new
            {
                name = table.Column<string>(type: "text", nullable: false),
                vector_db_id = table.Column<string>(type: "text", nullable: false),
                dimension = table.Column<int>(type: "integer", nullable: false),
                metric = table.Column<string>(type: "text", nullable: false),
                revision = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                created_at = table.Column<DateTime>(type: Timestamp, nullable: false, defaultValueSql: Now),
                updated_at = table.Column<DateTime>(type: Timestamp, nullable: false, defaultValueSql: Now),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_knowledge_bases", x => x.name);
                table.CheckConstraint("ck_knowledge_bases_dimension", "\"dimension\" > 0");
                table.CheckConstraint("ck_knowledge_bases_metric", "\"metric\" IN ('cosine', 'l2', 'dot')");
            });

        migrationBuilder.CreateTable(
            name: "knowledge_documents",
            columns: table => new
            {
                knowledge_base_name = table.Column<string>(type: "text", nullable: false),
                id = table.Column<string>(type: "text", nullable: false),
                created_at = table.Column<DateTime>(type: Timestamp, nullable: false, defaultValueSql: Now),
                updated_at = table.Column<DateTime>(type: Timestamp, nullable: false, defaultValueSql: Now),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_knowledge_documents", x => new { x.knowledge_base_name, x.id });
                table.ForeignKey(
                    "fk_knowledge_documents_knowledge_base_name", x => x.knowledge_base_name, "knowledge_bases", "name", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "knowledge_chunks",
            columns: table => new
            {
                knowledge_base_name = table.Column<string>(type: "text", nullable: false),
                id = table.Column<string>(type: "text", nullable: false),
                document_id = table.Column<string>(type: "text", nullable: false),
                text = table.Column<string>(type: "text", nullable: false),
                metadata = table.Column<string>(type: "jsonb", nullable: true),
                embedding = table.Column<float[]>(type: "vector", nullable: false),
                created_at = table.Column<DateTime>(type: Timestamp, nullable: false, defaultValueSql: Now),
                updated_at = table.Column<DateTime>(type: Timestamp, nullable: false, defaultValueSql: Now),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_knowledge_chunks", x => new { x.knowledge_base_name, x.id });
                table.ForeignKey(
                    "fk_knowledge_chunks_document",
                    x => new { x.knowledge_base_name, x.document_id },
                    "knowledge_documents",
                    ["knowledge_base_name", "id"],
                    onDelete: ReferentialAction.Cascade);
                table.CheckConstraint("ck_knowledge_chunks_metadata_json", "jsonb_typeof(\"metadata\") = 'object'");
            });

        migrationBuilder.CreateIndex("idx_knowledge_bases_vector_db_id", "knowledge_bases", "vector_db_id");
        migrationBuilder.CreateIndex("idx_knowledge_chunks_document", "knowledge_chunks", ["knowledge_base_name", "document_id"]);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);

        // Dropping the table drops the per-knowledge-base HNSW indexes the store created on it.
        migrationBuilder.DropTable("knowledge_chunks");
        migrationBuilder.DropTable("knowledge_documents");
        migrationBuilder.DropTable("knowledge_bases");
    }
}
