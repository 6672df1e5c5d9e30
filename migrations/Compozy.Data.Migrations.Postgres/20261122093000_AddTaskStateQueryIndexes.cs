using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Compozy.Data.Migrations.Postgres;

/// <summary>
/// Adds the indexes behind ListChildrenOutputs (children that have output) and the per-type task
/// listing of a workflow execution.
/// </summary>
[DbContext(typeof(CompozyDbContext))]
[Migration("20261122093000_AddTaskStateQueryIndexes")]
public sealed class AddTaskStateQueryIndexes : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.CreateIndex(
            "idx_task_states_parent_state_id_with_output", "task_states", "parent_state_id", filter: "\"output\" IS NOT NULL");
        migrationBuilder.CreateIndex(
            "idx_task_states_workflow_exec_id_execution_type", "task_states", ["workflow_exec_id", "execution_type"]);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropIndex("idx_task_states_workflow_exec_id_execution_type", "task_states");
        migrationBuilder.DropIndex("idx_task_states_parent_state_id_with_output", "task_states");
    }
}
