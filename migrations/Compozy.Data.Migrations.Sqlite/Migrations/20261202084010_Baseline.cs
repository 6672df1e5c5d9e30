using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Compozy.Data.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Baseline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "knowledge_bases",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    vector_db_id = table.Column<string>(type: "TEXT", nullable: false),
                    dimension = table.Column<int>(type: "INTEGER", nullable: false),
                    metric = table.Column<string>(type: "TEXT", nullable: false),
                    revision = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: "strftime('%Y-%m-%d %H:%M:%f', 'now')"),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: "strftime('%Y-%m-%d %H:%M:%f', 'now')")
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
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    email = table.Column<string>(type: "TEXT", nullable: false, collation: "NOCASE"),
                    role = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: "strftime('%Y-%m-%d %H:%M:%f', 'now')"),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: "strftime('%Y-%m-%d %H:%M:%f', 'now')")
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
                    workflow_exec_id = table.Column<string>(type: "TEXT", nullable: false),
                    workflow_id = table.Column<string>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", nullable: false),
                    usage = table.Column<string>(type: "TEXT", nullable: true),
                    input = table.Column<string>(type: "TEXT", nullable: true),
                    output = table.Column<string>(type: "TEXT", nullable: true),
                    error = table.Column<string>(type: "TEXT", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: "strftime('%Y-%m-%d %H:%M:%f', 'now')"),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: "strftime('%Y-%m-%d %H:%M:%f', 'now')")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_workflow_states", x => x.workflow_exec_id);
                    table.CheckConstraint("ck_workflow_states_error_json", "\"error\" IS NULL OR json_valid(\"error\")");
                    table.CheckConstraint("ck_workflow_states_input_json", "\"input\" IS NULL OR json_valid(\"input\")");
                    table.CheckConstraint("ck_workflow_states_output_json", "\"output\" IS NULL OR json_valid(\"output\")");
                    table.CheckConstraint("ck_workflow_states_status", "\"status\" IN ('PENDING', 'RUNNING', 'SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELED', 'WAITING', 'PAUSED')");
                    table.CheckConstraint("ck_workflow_states_usage_json", "\"usage\" IS NULL OR (CASE WHEN json_valid(\"usage\") THEN json_type(\"usage\") = 'array' ELSE 0 END)");
                });

            migrationBuilder.CreateTable(
                name: "knowledge_documents",
                columns: table => new
                {
                    knowledge_base_name = table.Column<string>(type: "TEXT", nullable: false),
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: "strftime('%Y-%m-%d %H:%M:%f', 'now')"),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: "strftime('%Y-%m-%d %H:%M:%f', 'now')")
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
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    prefix = table.Column<string>(type: "TEXT", nullable: false),
                    fingerprint = table.Column<byte[]>(type: "BLOB", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: "strftime('%Y-%m-%d %H:%M:%f', 'now')"),
                    last_used = table.Column<DateTime>(type: "TEXT", nullable: true)
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
                    task_exec_id = table.Column<string>(type: "TEXT", nullable: false),
                    task_id = table.Column<string>(type: "TEXT", nullable: false),
                    component = table.Column<string>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", nullable: false),
                    workflow_exec_id = table.Column<string>(type: "TEXT", nullable: false),
                    workflow_id = table.Column<string>(type: "TEXT", nullable: false),
                    execution_type = table.Column<string>(type: "TEXT", nullable: false, defaultValue: "basic"),
                    usage = table.Column<string>(type: "TEXT", nullable: true),
                    agent_id = table.Column<string>(type: "TEXT", nullable: true),
                    tool_id = table.Column<string>(type: "TEXT", nullable: true),
                    action_id = table.Column<string>(type: "TEXT", nullable: true),
                    parent_state_id = table.Column<string>(type: "TEXT", nullable: true),
                    input = table.Column<string>(type: "TEXT", nullable: true),
                    output = table.Column<string>(type: "TEXT", nullable: true),
                    error = table.Column<string>(type: "TEXT", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: "strftime('%Y-%m-%d %H:%M:%f', 'now')"),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: "strftime('%Y-%m-%d %H:%M:%f', 'now')")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_task_states", x => x.task_exec_id);
                    table.CheckConstraint("ck_task_states_error_json", "\"error\" IS NULL OR json_valid(\"error\")");
                    table.CheckConstraint("ck_task_states_execution_type", "\"execution_type\" IN ('basic', 'router', 'parallel', 'collection', 'composite', 'wait', 'signal', 'aggregate', 'memory')");
                    table.CheckConstraint("ck_task_states_execution_type_components", "(\"execution_type\" = 'basic' AND ((\"agent_id\" IS NOT NULL AND \"action_id\" IS NOT NULL AND \"tool_id\" IS NULL) OR (\"agent_id\" IS NULL AND \"action_id\" IS NULL AND \"tool_id\" IS NOT NULL) OR (\"agent_id\" IS NULL AND \"action_id\" IS NULL AND \"tool_id\" IS NULL))) OR (\"execution_type\" = 'router' AND \"agent_id\" IS NULL AND \"action_id\" IS NULL AND \"tool_id\" IS NULL) OR (\"execution_type\" NOT IN ('basic', 'router'))");
                    table.CheckConstraint("ck_task_states_input_json", "\"input\" IS NULL OR json_valid(\"input\")");
                    table.CheckConstraint("ck_task_states_output_json", "\"output\" IS NULL OR json_valid(\"output\")");
                    table.CheckConstraint("ck_task_states_status", "\"status\" IN ('PENDING', 'RUNNING', 'SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELED', 'WAITING', 'PAUSED')");
                    table.CheckConstraint("ck_task_states_usage_json", "\"usage\" IS NULL OR (CASE WHEN json_valid(\"usage\") THEN json_type(\"usage\") = 'array' ELSE 0 END)");
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
                    knowledge_base_name = table.Column<string>(type: "TEXT", nullable: false),
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    document_id = table.Column<string>(type: "TEXT", nullable: false),
                    text = table.Column<string>(type: "TEXT", nullable: false),
                    metadata = table.Column<string>(type: "TEXT", nullable: true),
                    embedding = table.Column<byte[]>(type: "BLOB", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: "strftime('%Y-%m-%d %H:%M:%f', 'now')"),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: "strftime('%Y-%m-%d %H:%M:%f', 'now')")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_knowledge_chunks", x => new { x.knowledge_base_name, x.id });
                    table.CheckConstraint("ck_knowledge_chunks_metadata_json", "\"metadata\" IS NULL OR (CASE WHEN json_valid(\"metadata\") THEN json_type(\"metadata\") = 'object' ELSE 0 END)");
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
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    workflow_exec_id = table.Column<string>(type: "TEXT", nullable: true),
                    task_exec_id = table.Column<string>(type: "TEXT", nullable: true),
                    component = table.Column<string>(type: "TEXT", nullable: false),
                    agent_id = table.Column<string>(type: "TEXT", nullable: true),
                    provider = table.Column<string>(type: "TEXT", nullable: false),
                    model = table.Column<string>(type: "TEXT", nullable: false),
                    prompt_tokens = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    completion_tokens = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    total_tokens = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    reasoning_tokens = table.Column<long>(type: "INTEGER", nullable: true),
                    cached_prompt_tokens = table.Column<long>(type: "INTEGER", nullable: true),
                    input_audio_tokens = table.Column<long>(type: "INTEGER", nullable: true),
                    output_audio_tokens = table.Column<long>(type: "INTEGER", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: "strftime('%Y-%m-%d %H:%M:%f', 'now')"),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: "strftime('%Y-%m-%d %H:%M:%f', 'now')")
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
        }
    }
}
