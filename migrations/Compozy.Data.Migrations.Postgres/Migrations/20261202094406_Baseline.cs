using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using Pgvector;

#nullable disable

namespace Compozy.Data.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Baseline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:CollationDefinition:compozy_case_insensitive", "und-u-ks-level2,und-u-ks-level2,icu,False")
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
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_knowledge_bases", x => x.name);
                    table.CheckConstraint("ck_knowledge_bases_dimension", "\"dimension\" > 0");
                    table.CheckConstraint("ck_knowledge_bases_metric", "\"metric\" IN ('cosine', 'l2', 'dot')");
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    email = table.Column<string>(type: "text", nullable: false, collation: "compozy_case_insensitive"),
                    role = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                    table.CheckConstraint("ck_users_role", "\"role\" IN ('user', 'admin')");
                });

            migrationBuilder.CreateTable(
                name: "workflow_states",
                columns: table => new
                {
                    workflow_exec_id = table.Column<string>(type: "text", nullable: false),
                    workflow_id = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    usage = table.Column<string>(type: "jsonb", nullable: true),
                    input = table.Column<string>(type: "jsonb", nullable: true),
                    output = table.Column<string>(type: "jsonb", nullable: true),
                    error = table.Column<string>(type: "jsonb", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_workflow_states", x => x.workflow_exec_id);
                    table.CheckConstraint("ck_workflow_states_status", "\"status\" IN ('PENDING', 'RUNNING', 'SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELED', 'WAITING', 'PAUSED')");
                    table.CheckConstraint("ck_workflow_states_usage_json", "jsonb_typeof(\"usage\") = 'array'");
                });

            migrationBuilder.CreateTable(
                name: "knowledge_documents",
                columns: table => new
                {
                    knowledge_base_name = table.Column<string>(type: "text", nullable: false),
                    id = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_knowledge_documents", x => new { x.knowledge_base_name, x.id });
                    table.ForeignKey(
                        name: "fk_knowledge_documents_knowledge_base_name",
                        column: x => x.knowledge_base_name,
                        principalTable: "knowledge_bases",
                        principalColumn: "name",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    user_id = table.Column<string>(type: "text", nullable: false),
                    hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    prefix = table.Column<string>(type: "text", nullable: false),
                    fingerprint = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    last_used = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                    table.ForeignKey(
                        name: "fk_api_keys_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "task_states",
                columns: table => new
                {
                    task_exec_id = table.Column<string>(type: "text", nullable: false),
                    task_id = table.Column<string>(type: "text", nullable: false),
                    component = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    workflow_exec_id = table.Column<string>(type: "text", nullable: false),
                    workflow_id = table.Column<string>(type: "text", nullable: false),
                    execution_type = table.Column<string>(type: "text", nullable: false, defaultValue: "basic"),
                    usage = table.Column<string>(type: "jsonb", nullable: true),
                    agent_id = table.Column<string>(type: "text", nullable: true),
                    tool_id = table.Column<string>(type: "text", nullable: true),
                    action_id = table.Column<string>(type: "text", nullable: true),
                    parent_state_id = table.Column<string>(type: "text", nullable: true),
                    input = table.Column<string>(type: "jsonb", nullable: true),
                    output = table.Column<string>(type: "jsonb", nullable: true),
                    error = table.Column<string>(type: "jsonb", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_task_states", x => x.task_exec_id);
                    table.CheckConstraint("ck_task_states_execution_type", "\"execution_type\" IN ('basic', 'router', 'parallel', 'collection', 'composite', 'wait', 'signal', 'aggregate', 'memory')");
                    table.CheckConstraint("ck_task_states_execution_type_components", "(\"execution_type\" = 'basic' AND ((\"agent_id\" IS NOT NULL AND \"action_id\" IS NOT NULL AND \"tool_id\" IS NULL) OR (\"agent_id\" IS NULL AND \"action_id\" IS NULL AND \"tool_id\" IS NOT NULL) OR (\"agent_id\" IS NULL AND \"action_id\" IS NULL AND \"tool_id\" IS NULL))) OR (\"execution_type\" = 'router' AND \"agent_id\" IS NULL AND \"action_id\" IS NULL AND \"tool_id\" IS NULL) OR (\"execution_type\" NOT IN ('basic', 'router'))");
                    table.CheckConstraint("ck_task_states_status", "\"status\" IN ('PENDING', 'RUNNING', 'SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELED', 'WAITING', 'PAUSED')");
                    table.CheckConstraint("ck_task_states_usage_json", "jsonb_typeof(\"usage\") = 'array'");
                    table.ForeignKey(
                        name: "fk_task_states_parent_state_id",
                        column: x => x.parent_state_id,
                        principalTable: "task_states",
                        principalColumn: "task_exec_id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_task_states_workflow_exec_id",
                        column: x => x.workflow_exec_id,
                        principalTable: "workflow_states",
                        principalColumn: "workflow_exec_id",
                        onDelete: ReferentialAction.Cascade);
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
                    embedding = table.Column<Vector>(type: "vector", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_knowledge_chunks", x => new { x.knowledge_base_name, x.id });
                    table.CheckConstraint("ck_knowledge_chunks_metadata_json", "jsonb_typeof(\"metadata\") = 'object'");
                    table.ForeignKey(
                        name: "fk_knowledge_chunks_document",
                        columns: x => new { x.knowledge_base_name, x.document_id },
                        principalTable: "knowledge_documents",
                        principalColumns: new[] { "knowledge_base_name", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "execution_llm_usage",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    workflow_exec_id = table.Column<string>(type: "text", nullable: true),
                    task_exec_id = table.Column<string>(type: "text", nullable: true),
                    component = table.Column<string>(type: "text", nullable: false),
                    agent_id = table.Column<string>(type: "text", nullable: true),
                    provider = table.Column<string>(type: "text", nullable: false),
                    model = table.Column<string>(type: "text", nullable: false),
                    prompt_tokens = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    completion_tokens = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    total_tokens = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    reasoning_tokens = table.Column<long>(type: "bigint", nullable: true),
                    cached_prompt_tokens = table.Column<long>(type: "bigint", nullable: true),
                    input_audio_tokens = table.Column<long>(type: "bigint", nullable: true),
                    output_audio_tokens = table.Column<long>(type: "bigint", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_execution_llm_usage", x => x.id);
                    table.CheckConstraint("ck_execution_llm_usage_exactly_one_exec_id", "(\"workflow_exec_id\" IS NULL) <> (\"task_exec_id\" IS NULL)");
                    table.CheckConstraint("ck_execution_llm_usage_tokens_not_negative", "\"prompt_tokens\" >= 0 AND \"completion_tokens\" >= 0 AND \"total_tokens\" >= 0 AND (\"reasoning_tokens\" IS NULL OR \"reasoning_tokens\" >= 0) AND (\"cached_prompt_tokens\" IS NULL OR \"cached_prompt_tokens\" >= 0) AND (\"input_audio_tokens\" IS NULL OR \"input_audio_tokens\" >= 0) AND (\"output_audio_tokens\" IS NULL OR \"output_audio_tokens\" >= 0)");
                    table.ForeignKey(
                        name: "fk_execution_llm_usage_task_exec_id",
                        column: x => x.task_exec_id,
                        principalTable: "task_states",
                        principalColumn: "task_exec_id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_execution_llm_usage_workflow_exec_id",
                        column: x => x.workflow_exec_id,
                        principalTable: "workflow_states",
                        principalColumn: "workflow_exec_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "idx_api_keys_created_at",
                table: "api_keys",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "idx_api_keys_fingerprint",
                table: "api_keys",
                column: "fingerprint",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "idx_api_keys_prefix",
                table: "api_keys",
                column: "prefix",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "idx_api_keys_user_id",
                table: "api_keys",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "idx_execution_usage_component_created_at",
                table: "execution_llm_usage",
                columns: new[] { "component", "created_at" });

            migrationBuilder.CreateIndex(
                name: "uq_execution_usage_task_component",
                table: "execution_llm_usage",
                columns: new[] { "task_exec_id", "component" },
                unique: true,
                filter: "\"task_exec_id\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "uq_execution_usage_workflow_component",
                table: "execution_llm_usage",
                columns: new[] { "workflow_exec_id", "component" },
                unique: true,
                filter: "\"workflow_exec_id\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "idx_knowledge_bases_vector_db_id",
                table: "knowledge_bases",
                column: "vector_db_id");

            migrationBuilder.CreateIndex(
                name: "idx_knowledge_chunks_document",
                table: "knowledge_chunks",
                columns: new[] { "knowledge_base_name", "document_id" });

            migrationBuilder.CreateIndex(
                name: "idx_task_states_agent_id",
                table: "task_states",
                column: "agent_id");

            migrationBuilder.CreateIndex(
                name: "idx_task_states_parent_state_id_task_id",
                table: "task_states",
                columns: new[] { "parent_state_id", "task_id" });

            migrationBuilder.CreateIndex(
                name: "idx_task_states_parent_state_id_with_output",
                table: "task_states",
                column: "parent_state_id",
                filter: "\"output\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "idx_task_states_status",
                table: "task_states",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "idx_task_states_task_id",
                table: "task_states",
                column: "task_id");

            migrationBuilder.CreateIndex(
                name: "idx_task_states_tool_id",
                table: "task_states",
                column: "tool_id");

            migrationBuilder.CreateIndex(
                name: "idx_task_states_workflow_exec_id_execution_type",
                table: "task_states",
                columns: new[] { "workflow_exec_id", "execution_type" });

            migrationBuilder.CreateIndex(
                name: "idx_task_states_workflow_exec_id_status",
                table: "task_states",
                columns: new[] { "workflow_exec_id", "status" });

            migrationBuilder.CreateIndex(
                name: "idx_task_states_workflow_exec_id_task_id",
                table: "task_states",
                columns: new[] { "workflow_exec_id", "task_id" });

            migrationBuilder.CreateIndex(
                name: "idx_task_states_workflow_id",
                table: "task_states",
                column: "workflow_id");

            migrationBuilder.CreateIndex(
                name: "idx_users_email_ci",
                table: "users",
                column: "email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "idx_users_role",
                table: "users",
                column: "role");

            migrationBuilder.CreateIndex(
                name: "idx_workflow_states_created_at",
                table: "workflow_states",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "idx_workflow_states_status",
                table: "workflow_states",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "idx_workflow_states_updated_at",
                table: "workflow_states",
                column: "updated_at");

            migrationBuilder.CreateIndex(
                name: "idx_workflow_states_workflow_id_status",
                table: "workflow_states",
                columns: new[] { "workflow_id", "status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "execution_llm_usage");

            migrationBuilder.DropTable(
                name: "knowledge_chunks");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "task_states");

            migrationBuilder.DropTable(
                name: "knowledge_documents");

            migrationBuilder.DropTable(
                name: "workflow_states");

            migrationBuilder.DropTable(
                name: "knowledge_bases");

            // Written by hand (keep it when regenerating this migration): EF builds Down() by diffing
            // against an empty model and emits no database-level operation for that, so the
            // collation Up() created would stay behind and the next Up() would fail on it. The
            // vector extension stays on purpose: an administrator may have created it, other
            // schemas may use it, and dropping it needs its owner.
            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:CollationDefinition:compozy_case_insensitive", "und-u-ks-level2,und-u-ks-level2,icu,False");
        }
    }
}
