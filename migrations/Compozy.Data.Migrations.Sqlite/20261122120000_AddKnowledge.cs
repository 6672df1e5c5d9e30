using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Compozy.Data.Migrations.Sqlite;

/// <summary>
/// Adds knowledge bases, their documents and their chunks; embeddings are float32 little-endian
/// BLOBs searched by the embedded store.
/// </summary>
[DbContext(typeof(CompozyDbContext))]
[Migration("20261122120000_AddKnowledge")]
public sealed class AddKnowledge : Migration
{
    private const string Now = "strftime('%Y-%m-%d %H:%M:%f', 'now')";

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);

        migrationBuilder.CreateTable(
            name: "knowledge_bases",
            columns: table => new
            {
                name = table.Column<string>(type: "TEXT", nullable: false),
                vector_db_id = table.Column<string>(type: "TEXT", nullable: false),
                dimension = table.Column<int>(type: "INTEGER", nullable: false),
                metric = table.Column<string>(type: "TEXT", nullable: false),
                revision = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                created_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: Now),
                updated_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: Now),
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
                knowledge_base_name = table.Column<string>(type: "TEXT", nullable: false),
                id = table.Column<string>(type: "TEXT", nullable: false),
                created_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: Now),
                updated_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: Now),
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
                knowledge_base_name = table.Column<string>(type: "TEXT", nullable: false),
                id = table.Column<string>(type: "TEXT", nullable: false),
                document_id = table.Column<string>(type: "TEXT", nullable: false),
                text = table.Column<string>(type: "TEXT", nullable: false),
                metadata = table.Column<string>(type: "TEXT", nullable: true),
                embedding = table.Column<byte[]>(type: "BLOB", nullable: false),
                created_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: Now),
                updated_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: Now),
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
                table.CheckConstraint(
                    "ck_knowledge_chunks_metadata_json",
                    "\"metadata\" IS NULL OR (CASE WHEN json_valid(\"metadata\") THEN json_type(\"metadata\") = 'object' ELSE 0 END)");
            });

        migrationBuilder.CreateIndex("idx_knowledge_bases_vector_db_id", "knowledge_bases", "vector_db_id");
        migrationBuilder.CreateIndex("idx_knowledge_chunks_document", "knowledge_chunks", ["knowledge_base_name", "document_id"]);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable("knowledge_chunks");
        migrationBuilder.DropTable("knowledge_documents");
        migrationBuilder.DropTable("knowledge_bases");
    }
}
