using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Compozy.Data.Migrations.Sqlite;

/// <summary>Creates Compozy's tables for SQLite: workflow and task states, users, API keys and LLM usage.</summary>
[DbContext(typeof(CompozyDbContext))]
[Migration("20261122090000_InitialCreate")]
public sealed class InitialCreate : Migration
{
    private const string Now = "strftime('%Y-%m-%d %H:%M:%f', 'now')";
    private const string Statuses = "'PENDING', 'RUNNING', 'SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELED', 'WAITING', 'PAUSED'";

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);

        migrationBuilder.CreateTable(
            name: "users",
            columns: table => new
            {
                id = table.Column<string>(type: "TEXT", nullable: false),
                email = table.Column<string>(type: "TEXT", nullable: false, collation: "NOCASE"),
                role = table.Column<string>(type: "TEXT", nullable: false),
                created_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: Now),
                updated_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: Now),
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
                created_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: Now),
                updated_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: Now),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_workflow_states", x => x.workflow_exec_id);
                table.CheckConstraint("ck_workflow_states_error_json", "\"error\" IS NULL OR json_valid(\"error\")");
                table.CheckConstraint("ck_workflow_states_input_json", "\"input\" IS NULL OR json_valid(\"input\")");
                table.CheckConstraint("ck_workflow_states_output_json", "\"output\" IS NULL OR json_valid(\"output\")");
                table.CheckConstraint("ck_workflow_states_status", $"\"status\" IN ({Statuses})");
                table.CheckConstraint(
                    "ck_workflow_states_usage_json",
                    "\"usage\" IS NULL OR (CASE WHEN json_valid(\"usage\") THEN json_type(\"usage\") = 'array' ELSE 0 END)");
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
                created_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: Now),
                last_used = table.Column<DateTime>(type: "TEXT", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_api_keys", x => x.id);
                table.ForeignKey("fk_api_keys_user_id", x => x.user_id, "users", "id", onDelete: ReferentialAction.Cascade);
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
                created_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: Now),
                updated_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: Now),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_task_states", x => x.task_exec_id);
                table.CheckConstraint("ck_task_states_error_json", "\"error\" IS NULL OR json_valid(\"error\")");
                table.CheckConstraint(
                    "ck_task_states_execution_type",
                    "\"execution_type\" IN ('basic', 'router', 'parallel', 'collection', 'composite', 'wait', 'signal', 'aggregate', 'memory')");
                table.CheckConstraint(
                    "ck_task_states_execution_type_components",
                    "(\"execution_type\" = 'basic' AND ("
                    + "(\"agent_id\" IS NOT NULL AND \"action_id\" IS NOT NULL AND \"tool_id\" IS NULL) OR "
                    + "(\"agent_id\" IS NULL AND \"action_id\" IS NULL AND \"tool_id\" IS NOT NULL) OR "
                    + "(\"agent_id\" IS NULL AND \"action_id\" IS NULL AND \"tool_id\" IS NULL))) OR "
                    + "(\"execution_type\" = 'router' AND \"agent_id\" IS NULL AND \"action_id\" IS NULL AND \"tool_id\" IS NULL) OR "
                    + "(\"execution_type\" NOT IN ('basic', 'router'))");
                table.CheckConstraint("ck_task_states_input_json", "\"input\" IS NULL OR json_valid(\"input\")");
                table.CheckConstraint("ck_task_states_output_json", "\"output\" IS NULL OR json_valid(\"output\")");
                table.CheckConstraint("ck_task_states_status", $"\"status\" IN ({Statuses})");
                table.CheckConstraint(
                    "ck_task_states_usage_json",
                    "\"usage\" IS NULL OR (CASE WHEN json_valid(\"usage\") THEN json_type(\"usage\") = 'array' ELSE 0 END)");
                table.ForeignKey(
                    "fk_task_states_parent_state_id", x => x.parent_state_id, "task_states", "task_exec_id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    "fk_task_states_workflow_exec_id", x => x.workflow_exec_id, "workflow_states", "workflow_exec_id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "execution_llm_usage",
            columns: table => new
            {
                id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                workflow_exec_id = table.Column<string>(type: "TEXT", nullable: true),
                task_exec_id = table.Column<string>(type: "TEXT", nullable: true),
                component = table.Column<string>(type: "TEXT", nullable: false),
                agent_id = table.Column<string>(type: "TEXT", nullable: true),
                provider = table.Column<string>(type: "TEXT", nullable: false),
                model = table.Column<string>(type: "TEXT", nullable: false),
                prompt_tokens = table.Column<int>(type: "INTEGER", nullable: false, defaultValue: 0),
                completion_tokens = table.Column<int>(type: "INTEGER", nullable: false, defaultValue: 0),
                total_tokens = table.Column<int>(type: "INTEGER", nullable: false, defaultValue: 0),
                reasoning_tokens = table.Column<int>(type: "INTEGER", nullable: true),
                cached_prompt_tokens = table.Column<int>(type: "INTEGER", nullable: true),
                input_audio_tokens = table.Column<int>(type: "INTEGER", nullable: true),
                output_audio_tokens = table.Column<int>(type: "INTEGER", nullable: true),
                created_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: Now),
                updated_at = table.Column<DateTime>(type: "TEXT", nullable: false, defaultValueSql: Now),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_execution_llm_usage", x => x.id);
                table.CheckConstraint(
                    "ck_execution_llm_usage_exactly_one_exec_id", "(\"workflow_exec_id\" IS NULL) <> (\"task_exec_id\" IS NULL)");
                table.CheckConstraint(
                    "ck_execution_llm_usage_tokens_not_negative",
                    "\"prompt_tokens\" >= 0 AND \"completion_tokens\" >= 0 AND \"total_tokens\" >= 0 AND "
                    + "(\"reasoning_tokens\" IS NULL OR \"reasoning_tokens\" >= 0) AND "
                    + "(\"cached_prompt_tokens\" IS NULL OR \"cached_prompt_tokens\" >= 0) AND "
                    + "(\"input_audio_tokens\" IS NULL OR \"input_audio_tokens\" >= 0) AND "
                    + "(\"output_audio_tokens\" IS NULL OR \"output_audio_tokens\" >= 0)");
                table.ForeignKey(
                    "fk_execution_llm_usage_task_exec_id", x => x.task_exec_id, "task_states", "task_exec_id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    "fk_execution_llm_usage_workflow_exec_id", x => x.workflow_exec_id, "workflow_states", "workflow_exec_id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("idx_api_keys_created_at", "api_keys", "created_at");
        migrationBuilder.CreateIndex("idx_api_keys_fingerprint", "api_keys", "fingerprint", unique: true);
        migrationBuilder.CreateIndex("idx_api_keys_prefix", "api_keys", "prefix", unique: true);
        migrationBuilder.CreateIndex("idx_api_keys_user_id", "api_keys", "user_id");
        migrationBuilder.CreateIndex("idx_execution_usage_component_created_at", "execution_llm_usage", ["component", "created_at"]);
        migrationBuilder.CreateIndex(
            "uq_execution_usage_task_component", "execution_llm_usage", ["task_exec_id", "component"], unique: true, filter: "\"task_exec_id\" IS NOT NULL");
        migrationBuilder.CreateIndex(
            "uq_execution_usage_workflow_component", "execution_llm_usage", ["workflow_exec_id", "component"], unique: true, filter: "\"workflow_exec_id\" IS NOT NULL");
        migrationBuilder.CreateIndex("idx_task_states_agent_id", "task_states", "agent_id");
        migrationBuilder.CreateIndex("idx_task_states_parent_state_id_task_id", "task_states", ["parent_state_id", "task_id"]);
        migrationBuilder.CreateIndex("idx_task_states_status", "task_states", "status");
        migrationBuilder.CreateIndex("idx_task_states_task_id", "task_states", "task_id");
        migrationBuilder.CreateIndex("idx_task_states_tool_id", "task_states", "tool_id");
        migrationBuilder.CreateIndex("idx_task_states_workflow_exec_id_status", "task_states", ["workflow_exec_id", "status"]);
        migrationBuilder.CreateIndex("idx_task_states_workflow_exec_id_task_id", "task_states", ["workflow_exec_id", "task_id"]);
        migrationBuilder.CreateIndex("idx_task_states_workflow_id", "task_states", "workflow_id");
        migrationBuilder.CreateIndex("idx_users_email_ci", "users", "email", unique: true);
        migrationBuilder.CreateIndex("idx_users_role", "users", "role");
        migrationBuilder.CreateIndex("idx_workflow_states_created_at", "workflow_states", "created_at");
        migrationBuilder.CreateIndex("idx_workflow_states_status", "workflow_states", "status");
        migrationBuilder.CreateIndex("idx_workflow_states_updated_at", "workflow_states", "updated_at");
        migrationBuilder.CreateIndex("idx_workflow_states_workflow_id_status", "workflow_states", ["workflow_id", "status"]);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable("execution_llm_usage");
        migrationBuilder.DropTable("api_keys");
        migrationBuilder.DropTable("task_states");
        migrationBuilder.DropTable("users");
        migrationBuilder.DropTable("workflow_states");
    }
}
