using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Compozy.Data.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AuditEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    occurred_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    actor = table.Column<string>(type: "TEXT", nullable: false),
                    action = table.Column<string>(type: "TEXT", nullable: false),
                    target = table.Column<string>(type: "TEXT", nullable: true),
                    outcome = table.Column<string>(type: "TEXT", nullable: false),
                    reason = table.Column<string>(type: "TEXT", nullable: true),
                    details = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_events", x => x.id);
                    table.CheckConstraint("ck_audit_events_details_json", "\"details\" IS NULL OR (CASE WHEN json_valid(\"details\") THEN json_type(\"details\") = 'object' ELSE 0 END)");
                    table.CheckConstraint("ck_audit_events_outcome", "\"outcome\" IN ('succeeded', 'failed', 'refused')");
                });

            migrationBuilder.CreateIndex(
                name: "idx_audit_events_action_occurred_at",
                table: "audit_events",
                columns: new[] { "action", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "idx_audit_events_actor_occurred_at",
                table: "audit_events",
                columns: new[] { "actor", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "idx_audit_events_occurred_at_id",
                table: "audit_events",
                columns: new[] { "occurred_at", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_events");
        }
    }
}
