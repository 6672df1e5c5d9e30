using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Compozy.Samples.Extension.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddNotes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "workflow_notes",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    workflow_exec_id = table.Column<string>(type: "TEXT", nullable: false),
                    text = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_workflow_notes", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "idx_workflow_notes_workflow_exec_id",
                table: "workflow_notes",
                column: "workflow_exec_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "workflow_notes");
        }
    }
}
