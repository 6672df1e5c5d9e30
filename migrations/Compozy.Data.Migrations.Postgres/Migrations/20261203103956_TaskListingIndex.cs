using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Compozy.Data.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class TaskListingIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "idx_task_states_status",
                table: "task_states");

            migrationBuilder.CreateIndex(
                name: "idx_task_states_status_created_at_task_exec_id",
                table: "task_states",
                columns: new[] { "status", "created_at", "task_exec_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "idx_task_states_status_created_at_task_exec_id",
                table: "task_states");

            migrationBuilder.CreateIndex(
                name: "idx_task_states_status",
                table: "task_states",
                column: "status");
        }
    }
}
