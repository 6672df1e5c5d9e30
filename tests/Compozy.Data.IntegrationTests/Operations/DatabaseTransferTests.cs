using System.Text;
using System.Text.Json;
using Compozy.Data.Entities;
using Compozy.Data.Knowledge;
using Compozy.Data.Migrations;
using Compozy.Data.Operations;
using Compozy.Data.Operations.Transfer;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Operations;

/// <summary>
/// <see cref="IDatabaseTransfer"/>: a dump of a SQLite database imported into each provider and
/// exported again comes back equal, table by table, with embeddings bit for bit; a damaged,
/// truncated or newer dump, and a target that holds rows, are refused with nothing written.
/// </summary>
public sealed class DatabaseTransferTests : IDisposable
{
    // Values a lossy encoding would change: negative zero, the smallest subnormal, the extremes
    // of float32, and one that has no short decimal form.
    private static readonly float[] Embedding = [-0f, float.Epsilon, float.MaxValue, float.MinValue, 0.1f, 1f / 3f, -123.456e-20f, 7f];
    private static readonly DateTime Created = new(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc);

    private readonly string _directory = Directory.CreateTempSubdirectory("compozy-transfer-").FullName;

    [Theory, DatabaseData]
    public async Task A_SQLite_dump_imported_into_each_provider_and_exported_back_into_SQLite_gives_equal_tables(DatabaseKind kind)
    {
        await using var source = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "transfer_source")).MigrateAsync();
        await SeedAsync(source);
        var first = await ExportAsync(source, "first.jsonl");

        await using var middle = await (await TestDatabase.CreateAsync(kind, "transfer_middle")).MigrateAsync();
        var report = await ImportAsync(middle, first);
        report["rows"].ShouldBe(TotalRows);
        report["source_driver"].ShouldBe("sqlite");
        var second = await ExportAsync(middle, "second.jsonl");

        await using var last = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "transfer_last")).MigrateAsync();
        await ImportAsync(last, second);

        var expected = await TablesAsync(source);
        (await TablesAsync(middle)).ShouldBe(expected);
        (await TablesAsync(last)).ShouldBe(expected);
        foreach (var target in new[] { middle, last })
        {
            var context = await target.Contexts.CreateDbContextAsync();
            await using (context)
            {
                var chunk = await context.KnowledgeChunks.SingleAsync(chunk => chunk.Id == "c1");
                chunk.Embedding.Select(BitConverter.SingleToInt32Bits).ShouldBe(Embedding.Select(BitConverter.SingleToInt32Bits), $"{target.Kind}: bit for bit");
                var task = await context.TaskStates.SingleAsync(task => task.TaskExecId == "t0-child");
                task.ParentStateId.ShouldBe("t9-parent");
                task.CreatedAt.ShouldBe(Created.AddTicks(1230), $"{target.Kind}: microseconds kept");
                (await context.WorkflowStates.SingleAsync()).Input!.Value.GetProperty("text").GetString().ShouldBe("ünïcødé \"quoted\" 🚀");
            }
        }

        // The identity column goes on after the imported ids instead of starting again at 1.
        await middle.Writer.WriteAsync((context, _) =>
        {
            context.ExecutionLlmUsage.Add(new ExecutionLlmUsage { WorkflowExecId = "wf-1", Component = "after-import", Provider = "p", Model = "m", CreatedAt = Created, UpdatedAt = Created });
            return Task.CompletedTask;
        });
    }

    [Theory, DatabaseData]
    public async Task A_knowledge_base_moved_from_SQLite_answers_the_same_searches_once_the_startup_checks_ran(DatabaseKind kind)
    {
        await using var source = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "transfer_kb_source")).MigrateAsync();
        var sourceKnowledge = source.Services.GetRequiredService<IKnowledgeStore>();
        await sourceKnowledge.PutKnowledgeBaseAsync(new KnowledgeBaseRequest("docs", 3, VectorMetric.Cosine));
        var random = new Random(7);
        await sourceKnowledge.UpsertChunksAsync("docs", [.. Enumerable.Range(0, 40).Select(index => new VectorChunk(
            $"c{index}", $"d{index % 4}", $"chunk {index}", new[] { (float)random.NextDouble(), (float)random.NextDouble() - 0.5f, (float)random.NextDouble() }, JsonDocument.Parse($"{{\"part\":{index % 3}}}").RootElement.Clone()))]);
        var queries = Enumerable.Range(0, 5).Select(_ => new VectorQuery(new[] { (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble() - 0.5f }, 7, new Dictionary<string, JsonElement>())).ToList();
        var dump = await ExportAsync(source, "kb.jsonl");

        await using var target = await (await TestDatabase.CreateAsync(kind, "transfer_kb_target")).MigrateAsync();
        await ImportAsync(target, dump);

        // What compozy start runs before it serves: among them the knowledge check, which ensures
        // each knowledge base's index (pgvector's HNSW index on PostgreSQL).
        foreach (var check in target.Services.GetServices<Compozy.Data.Startup.ISchemaStartupCheck>())
        {
            await check.RunAsync(CancellationToken.None);
        }

        if (kind == DatabaseKind.Postgres)
        {
            (await CountAsync(target, "SELECT count(*) AS \"Value\" FROM pg_indexes WHERE tablename = 'knowledge_chunks' AND indexdef ILIKE '%USING hnsw%'")).ShouldBe(1, "the imported knowledge base's index was built by the startup check");
        }

        var targetKnowledge = target.Services.GetRequiredService<IKnowledgeStore>();
        foreach (var query in queries)
        {
            var expected = await sourceKnowledge.SearchAsync("docs", query);
            var actual = await targetKnowledge.SearchAsync("docs", query);
            actual.Select(hit => hit.Id).ShouldBe(expected.Select(hit => hit.Id), $"{kind}: the same hits in the same order");
            actual.Select(hit => hit.Score).Zip(expected.Select(hit => hit.Score)).ShouldAllBe(pair => Math.Abs(pair.First - pair.Second) < 1e-5);
        }
    }

    private static async Task<long> CountAsync(TestDatabase db, string sql)
    {
        var context = await db.Contexts.CreateDbContextAsync();
        await using (context)
        {
            return await context.Database.SqlQueryRaw<long>(sql).SingleAsync();
        }
    }

    [Theory, DatabaseData]
    public async Task A_dump_with_one_changed_value_is_refused_and_the_target_stays_empty(DatabaseKind kind)
    {
        var dump = await SeededDumpAsync();
        var tampered = Path.Combine(_directory, "tampered.jsonl");
        var text = await File.ReadAllTextAsync(dump);
        text.ShouldContain("admin@example.com");
        await File.WriteAllTextAsync(tampered, text.Replace("admin@example.com", "root@example.com", StringComparison.Ordinal));

        await using var target = await (await TestDatabase.CreateAsync(kind, "transfer_tampered")).MigrateAsync();
        var refused = await Should.ThrowAsync<DatabaseIntegrityException>(() => ImportAsync(target, tampered));
        refused.Message.ShouldContain("table users");
        refused.Message.ShouldContain("nothing was written");
        (await TablesAsync(target)).ShouldNotContain(RowIndent, customMessage: "no table holds a row");
    }

    [Theory, DatabaseData]
    public async Task A_truncated_dump_is_refused_and_the_target_stays_empty(DatabaseKind kind)
    {
        var dump = await SeededDumpAsync();
        var lines = await File.ReadAllLinesAsync(dump);
        var truncated = Path.Combine(_directory, "truncated.jsonl");
        await File.WriteAllLinesAsync(truncated, lines[..^3]);

        await using var target = await (await TestDatabase.CreateAsync(kind, "transfer_truncated")).MigrateAsync();
        var refused = await Should.ThrowAsync<DatabaseIntegrityException>(() => ImportAsync(target, truncated));
        refused.Message.ShouldContain("truncated");
        (await TablesAsync(target)).ShouldNotContain(RowIndent, customMessage: "no table holds a row");
    }

    [Theory, DatabaseData]
    public async Task A_dump_from_a_newer_schema_is_refused_naming_the_migration(DatabaseKind kind)
    {
        var dump = await SeededDumpAsync();
        var lines = await File.ReadAllLinesAsync(dump);
        lines[0] = lines[0].Replace("\"migrations\":[\"Baseline\",\"AuditEvents\",\"TaskListingIndex\"]", "\"migrations\":[\"Baseline\",\"AuditEvents\",\"TaskListingIndex\",\"AddWidgets\"]", StringComparison.Ordinal);
        lines[0].ShouldContain("AddWidgets");
        var newer = Path.Combine(_directory, "newer.jsonl");
        await File.WriteAllLinesAsync(newer, lines);

        await using var target = await (await TestDatabase.CreateAsync(kind, "transfer_newer")).MigrateAsync();
        var refused = await Should.ThrowAsync<NewerSchemaException>(() => ImportAsync(target, newer));
        refused.Message.ShouldContain("AddWidgets");
        (await TablesAsync(target)).ShouldNotContain(RowIndent, customMessage: "no table holds a row");
    }

    [Theory, DatabaseData]
    public async Task A_target_that_holds_rows_is_refused_naming_the_table_and_keeps_its_rows(DatabaseKind kind)
    {
        var dump = await SeededDumpAsync();
        await using var target = await (await TestDatabase.CreateAsync(kind, "transfer_not_empty")).MigrateAsync();
        await target.Writer.WriteAsync((context, _) =>
        {
            context.WorkflowStates.Add(new WorkflowState { WorkflowExecId = "already-here", WorkflowId = "x", Status = ExecutionStatus.Running, CreatedAt = Created, UpdatedAt = Created });
            return Task.CompletedTask;
        });
        var before = await TablesAsync(target);

        var refused = await Should.ThrowAsync<TransferRefusedException>(() => ImportAsync(target, dump));
        refused.Message.ShouldContain("table workflow_states holds rows");
        (await TablesAsync(target)).ShouldBe(before);
    }

    [Theory, DatabaseData]
    public async Task An_import_that_fails_after_its_first_batches_deletes_what_it_wrote(DatabaseKind kind)
    {
        // A task pointing at a workflow the dump does not hold, with its table's checksum made to
        // match: the dump passes the first pass, and the database refuses the row only when the
        // tables before it are already written.
        var dump = await SeededDumpAsync();
        await using var target = await (await TestDatabase.CreateAsync(kind, "transfer_fails")).MigrateAsync();
        var lines = (await File.ReadAllLinesAsync(dump)).ToList();
        var child = lines.FindIndex(line => line.Contains("\"t0-child\"", StringComparison.Ordinal) && line.StartsWith("{\"row\"", StringComparison.Ordinal));
        child.ShouldBeGreaterThan(0);
        lines[child] = lines[child].Replace("\"workflow_exec_id\":\"wf-1\"", "\"workflow_exec_id\":\"wf-missing\"", StringComparison.Ordinal);
        lines[child].ShouldContain("wf-missing");
        var broken = Path.Combine(_directory, "broken.jsonl");
        await File.WriteAllLinesAsync(broken, lines);
        await File.WriteAllLinesAsync(broken, await ResealAsync(target, broken, lines, "task_states"));

        var failure = await Should.ThrowAsync<Exception>(() => ImportAsync(target, broken));
        failure.ShouldNotBeOfType<DatabaseIntegrityException>($"the dump must pass the first pass and fail in the database: {failure.Message}");
        failure.ShouldNotBeOfType<TransferRefusedException>(failure.Message);

        (await TablesAsync(target)).ShouldNotContain(RowIndent, customMessage: "the rows written before the failure were deleted");
    }

    [Theory, DatabaseData]
    public async Task A_file_that_is_not_a_dump_is_refused(DatabaseKind kind)
    {
        var file = Path.Combine(_directory, "notes.txt");
        await File.WriteAllTextAsync(file, "{\"hello\": 1}\n");
        await using var target = await (await TestDatabase.CreateAsync(kind, "transfer_foreign")).MigrateAsync();
        var refused = await Should.ThrowAsync<TransferRefusedException>(() => ImportAsync(target, file));
        refused.Message.ShouldContain("is not a Compozy dump");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private const long TotalRows = 11;
    private const string RowIndent = "    ";

    private async Task<string> SeededDumpAsync()
    {
        await using var source = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "transfer_seeded")).MigrateAsync();
        await SeedAsync(source);
        return await ExportAsync(source, $"seeded-{Guid.NewGuid():N}.jsonl");
    }

    private async Task<string> ExportAsync(TestDatabase db, string name)
    {
        var path = Path.Combine(_directory, name);
        var output = File.Create(path);
        await using (output)
        {
            await db.Services.GetRequiredService<IDatabaseTransfer>().ExportAsync(output, null, CancellationToken.None);
        }

        return path;
    }

    private static Task<DatabaseReport> ImportAsync(TestDatabase db, string path) =>
        db.Services.GetRequiredService<IDatabaseTransfer>().ImportAsync(path, () => File.OpenRead(path), null, CancellationToken.None);

    // Every table with the sorted canonical JSON of its rows, one indented line each, with JSON columns compared
    // by content (PostgreSQL's jsonb keeps neither key order nor number spelling).
    private static async Task<string> TablesAsync(TestDatabase db)
    {
        var context = await db.Contexts.CreateDbContextAsync();
        await using (context)
        {
            var tables = new StringBuilder();
            foreach (var table in DumpTable.InDependencyOrder(context.Model))
            {
                var rows = new List<string>();
                await foreach (var entity in table.ReadAll(context))
                {
                    rows.Add(Encoding.UTF8.GetString(DumpValues.Canonical(table.Columns, table.ValuesOf(entity))));
                }

                rows.Sort(StringComparer.Ordinal);
                tables.Append(table.Name).Append('\n');
                rows.ForEach(row => tables.Append(RowIndent).Append(row).Append('\n'));
            }

            return tables.ToString();
        }
    }

    // The dump's end line of the table rewritten to the count and checksum of its rows as they now are.
    private static async Task<List<string>> ResealAsync(TestDatabase db, string path, List<string> lines, string tableName)
    {
        var context = await db.Contexts.CreateDbContextAsync();
        await using (context)
        {
            var checksum = new DumpChecksum();
            using (var reader = new DumpReader(File.OpenRead(path), DumpTable.InDependencyOrder(context.Model), path))
            {
                await reader.ReadHeaderAsync(CancellationToken.None);
                while (await reader.NextAsync(CancellationToken.None) is { } record)
                {
                    if (record is { Kind: DumpRecordKind.Row } && record.Table!.Name == tableName)
                    {
                        checksum.Add(DumpValues.Canonical(record.Table.Columns, record.Values!));
                    }
                }
            }

            var end = lines.FindIndex(line => line.StartsWith($"{{\"end\":\"{tableName}\"", StringComparison.Ordinal));
            lines[end] = $"{{\"end\":\"{tableName}\",\"rows\":{checksum.Rows},\"sha256\":\"{checksum.ToHex()}\"}}";
            return lines;
        }
    }

    private static async Task SeedAsync(TestDatabase db)
    {
        static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
        await db.Writer.WriteAsync((context, _) =>
        {
            context.Users.Add(new User { Id = "u1", Email = "admin@example.com", Role = UserRole.Admin, CreatedAt = Created, UpdatedAt = Created });
            context.ApiKeys.Add(new ApiKey { Id = "k1", UserId = "u1", Hash = [0, 1, 2, 255], Prefix = "cpzy_abc", Fingerprint = [9, 8, 7], CreatedAt = Created, LastUsed = Created.AddTicks(10) });
            context.WorkflowStates.Add(new WorkflowState
            {
                WorkflowExecId = "wf-1",
                WorkflowId = "flow",
                Status = ExecutionStatus.Running,
                Usage = Json("[{\"tokens\": 12, \"cost\": 1.50, \"big\": 1e2}]"),
                Input = Json("{\"text\": \"ünïcødé \\\"quoted\\\" 🚀\", \"nested\": {\"b\": [1, 2.5, null, true], \"a\": {}}}"),
                CreatedAt = Created,
                UpdatedAt = Created.AddSeconds(1),
            });

            // The child's key sorts before its parent's, so that an import in key order meets the
            // child first.
            context.TaskStates.Add(new TaskState { TaskExecId = "t9-parent", TaskId = "parent", Component = "task", Status = ExecutionStatus.Success, WorkflowExecId = "wf-1", WorkflowId = "flow", ExecutionType = ExecutionType.Parallel, CreatedAt = Created, UpdatedAt = Created });
            context.TaskStates.Add(new TaskState { TaskExecId = "t0-child", TaskId = "child", Component = "task", Status = ExecutionStatus.Failed, WorkflowExecId = "wf-1", WorkflowId = "flow", AgentId = "agent", ActionId = "act", ParentStateId = "t9-parent", Error = Json("{\"message\": \"boom\"}"), CreatedAt = Created.AddTicks(1230), UpdatedAt = Created });
            context.ExecutionLlmUsage.Add(new ExecutionLlmUsage { WorkflowExecId = "wf-1", Component = "workflow", Provider = "openai", Model = "m", PromptTokens = 3, CompletionTokens = 4, TotalTokens = 7, CreatedAt = Created, UpdatedAt = Created });
            context.ExecutionLlmUsage.Add(new ExecutionLlmUsage { TaskExecId = "t0-child", Component = "task", Provider = "openai", Model = "m", ReasoningTokens = 5, CreatedAt = Created, UpdatedAt = Created });
            context.KnowledgeBases.Add(new KnowledgeBase { Name = "kb", VectorDbId = "embedded", Dimension = Embedding.Length, Metric = VectorMetric.Cosine, Revision = 3, CreatedAt = Created, UpdatedAt = Created });
            context.KnowledgeDocuments.Add(new KnowledgeDocument { KnowledgeBaseName = "kb", Id = "doc", CreatedAt = Created, UpdatedAt = Created });
            context.KnowledgeChunks.Add(new KnowledgeChunk { KnowledgeBaseName = "kb", Id = "c1", DocumentId = "doc", Text = "first", Metadata = Json("{\"page\": 1, \"tags\": [\"a\"]}"), Embedding = Embedding, CreatedAt = Created, UpdatedAt = Created });
            context.KnowledgeChunks.Add(new KnowledgeChunk { KnowledgeBaseName = "kb", Id = "c2", DocumentId = "doc", Text = "second", Embedding = [.. Embedding.Reverse()], CreatedAt = Created, UpdatedAt = Created });
            return Task.CompletedTask;
        });
    }
}
