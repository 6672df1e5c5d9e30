using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Compozy.Data.Migrations.Postgres;

/// <summary>
/// Widens the token counts of <c>execution_llm_usage</c> from <c>integer</c> to <c>bigint</c>, so
/// that a count past 2,147,483,647 is stored instead of refused or wrapped.
/// </summary>
/// <remarks>
/// <para>Up keeps every value: each one fits the wider type.</para>
/// <para><see cref="Down"/> refuses, with an error that says how many rows and usage entries are
/// in the way, while any token count in <c>execution_llm_usage</c> or in the <c>usage</c> arrays
/// of workflow and task states is above 2,147,483,647: the previous version keeps counts in 32
/// bits, so reverting would lose them. Nothing is changed when it refuses.</para>
/// </remarks>
[DbContext(typeof(CompozyDbContext))]
[Migration("20261202090000_WidenTokenCountsToBigint")]
public sealed class WidenTokenCountsToBigint : Migration
{
    private static readonly string[] Counts =
        ["prompt_tokens", "completion_tokens", "total_tokens", "reasoning_tokens", "cached_prompt_tokens", "input_audio_tokens", "output_audio_tokens"];

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);

        // One ALTER TABLE for all seven columns, so that PostgreSQL rewrites the table once rather
        // than once per column.
        migrationBuilder.Sql(AlterCounts("bigint"));
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        var names = string.Join(", ", Counts.Select(count => $"'{count}'"));
        var columns = string.Join(", ", Counts.Select(count => $"\"{count}\""));
        migrationBuilder.Sql($$"""
            DO $$
            DECLARE
                wide_rows bigint;
                wide_entries bigint;
            BEGIN
                SELECT count(*) INTO wide_rows FROM "execution_llm_usage"
                WHERE GREATEST({{columns}}) > 2147483647;

                SELECT count(*) INTO wide_entries
                FROM (SELECT "usage" FROM "workflow_states" UNION ALL SELECT "usage" FROM "task_states") AS "states" ("usage")
                CROSS JOIN LATERAL jsonb_array_elements("states"."usage") AS "entries" ("entry")
                CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof("entries"."entry") = 'object' THEN "entries"."entry" ELSE '{}'::jsonb END) AS "counts" ("name", "value")
                WHERE "counts"."name" IN ({{names}})
                    AND CASE WHEN jsonb_typeof("counts"."value") = 'number' THEN ("counts"."value")::numeric > 2147483647 ELSE false END;

                IF wide_rows > 0 OR wide_entries > 0 THEN
                    RAISE EXCEPTION 'cannot revert 20261202090000_WidenTokenCountsToBigint: rows of execution_llm_usage (%) or usage entries of workflow and task states (%) hold token counts above 2147483647, which the previous version keeps in 32 bits; reverting would lose them, so nothing was changed', wide_rows, wide_entries
                        USING ERRCODE = 'numeric_value_out_of_range';
                END IF;
            END
            $$
            """);
        migrationBuilder.Sql(AlterCounts("integer"));
    }

    private static string AlterCounts(string type) =>
        $"ALTER TABLE \"execution_llm_usage\" {string.Join(", ", Counts.Select(count => $"ALTER COLUMN \"{count}\" TYPE {type}"))}";
}
