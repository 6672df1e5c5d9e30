using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Compozy.Data.Migrations.Sqlite;

/// <summary>
/// The token counts of <c>execution_llm_usage</c> became 64-bit in the model. SQLite's INTEGER
/// already stores 64-bit values, so the schema does not change; the migration exists so that
/// both databases share one history and so that reverting it is guarded.
/// </summary>
/// <remarks>
/// <see cref="Down"/> refuses while any token count in <c>execution_llm_usage</c> or in the
/// <c>usage</c> arrays of workflow and task states is above 2,147,483,647: the previous version
/// reads counts as 32-bit integers and would fail on every read of those rows. Nothing is
/// changed when it refuses.
/// </remarks>
[DbContext(typeof(CompozyDbContext))]
[Migration("20261202090000_WidenTokenCountsToBigint")]
public sealed class WidenTokenCountsToBigint : Migration
{
    private const string Guard = "compozy_revert_token_counts";

    private static readonly string[] Counts =
        ["prompt_tokens", "completion_tokens", "total_tokens", "reasoning_tokens", "cached_prompt_tokens", "input_audio_tokens", "output_audio_tokens"];

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder) => ArgumentNullException.ThrowIfNull(migrationBuilder);

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);

        // SQLite raises an error of its own only from a trigger (RAISE), so a temporary trigger on a
        // temporary table turns "a count does not fit" into a failed statement. Both are dropped
        // at the end, or rolled back with the migration when it refuses.
        var names = string.Join(", ", Counts.Select(count => $"'{count}'"));
        var wideColumns = string.Join(" OR ", Counts.Select(count => $"\"{count}\" > 2147483647"));
        migrationBuilder.Sql($"CREATE TEMP TABLE \"{Guard}\" (\"refuse\" INTEGER NOT NULL)");
        migrationBuilder.Sql($$"""
            CREATE TEMP TRIGGER "{{Guard}}_check" BEFORE INSERT ON "{{Guard}}"
            WHEN NEW."refuse" <> 0
            BEGIN
                SELECT RAISE(ABORT, 'cannot revert 20261202090000_WidenTokenCountsToBigint: rows of execution_llm_usage or usage entries of workflow and task states hold token counts above 2147483647, which the previous version reads as 32-bit integers; reverting would lose them, so nothing was changed');
            END
            """);
        migrationBuilder.Sql($$"""
            INSERT INTO "{{Guard}}" ("refuse")
            SELECT EXISTS (SELECT 1 FROM "execution_llm_usage" WHERE {{wideColumns}})
                OR EXISTS (
                    SELECT 1
                    FROM (SELECT "usage" FROM "workflow_states" UNION ALL SELECT "usage" FROM "task_states") AS "states",
                        json_each("states"."usage") AS "entry",
                        json_each(CASE WHEN "entry"."type" = 'object' THEN "entry"."value" ELSE '{}' END) AS "count"
                    WHERE "count"."key" IN ({{names}}) AND "count"."type" = 'integer' AND "count"."value" > 2147483647)
            """);
        migrationBuilder.Sql($"DROP TABLE \"{Guard}\"");
    }
}
