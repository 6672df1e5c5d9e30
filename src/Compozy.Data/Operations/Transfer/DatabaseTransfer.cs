using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Compozy.Data.Migrations;
using Compozy.Data.Persistence;
using Compozy.Data.Providers;
using Compozy.Data.Startup;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Operations.Transfer;

/// <summary>
/// The provider-neutral export and import: tables and columns come from the model, rows go
/// through EF Core, writes through <see cref="IDatabaseWriter"/>; the provider adds what the model
/// does not say (<see cref="ITransferDialect"/>).
/// </summary>
internal sealed partial class DatabaseTransfer(
    IDbContextFactory<CompozyDbContext> contexts,
    IDatabaseWriter writer,
    MigrationRunner migrations,
    IConfiguredDatabaseProvider provider,
    ITransferDialect dialect,
    TimeProvider clock,
    ILogger<DatabaseTransfer> logger) : IDatabaseTransfer
{
    private const int ProgressRows = 1000;
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public async Task<DatabaseReport> ExportAsync(Stream output, IProgress<DatabaseTransferProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var elapsed = Stopwatch.StartNew();
        var applied = await CurrentMigrationsAsync("export", cancellationToken).ConfigureAwait(false);
        var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var tables = DumpTable.InDependencyOrder(context.Model);

            // A snapshot transaction is only allowed inside the provider's execution strategy;
            // a retry could not take back what was already written, so there is none.
            var attempts = 0;
            return await context.Database.CreateExecutionStrategy().ExecuteAsync(
                async token =>
                {
                    if (++attempts > 1)
                    {
                        throw new InvalidOperationException("the export met a transient database error after it had begun writing the dump; run it again");
                    }

                    return await ExportSnapshotAsync(context, tables, applied, output, progress, elapsed, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<DatabaseReport> ExportSnapshotAsync(
        CompozyDbContext context,
        IReadOnlyList<DumpTable> tables,
        List<MigrationStatusEntry> applied,
        Stream output,
        IProgress<DatabaseTransferProgress>? progress,
        Stopwatch elapsed,
        CancellationToken cancellationToken)
    {
        var snapshot = await dialect.BeginSnapshotAsync(context, cancellationToken).ConfigureAwait(false);
        await using (snapshot.ConfigureAwait(false))
        {
            var json = new Utf8JsonWriter(output);
            await using (json.ConfigureAwait(false))
            {
                json.WriteStartObject();
                json.WriteString("format", DumpFormat.Name);
                json.WriteNumber("version", DumpFormat.Version);
                json.WriteString("created_at", clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                json.WriteStartObject("source");
                json.WriteString("driver", provider.Driver);
                json.WriteEndObject();
                json.WriteStartObject("schema");
                json.WriteString("migration", applied[^1].Name);
                json.WriteString("migration_id", applied[^1].Id);
                json.WriteStartArray("migrations");
                foreach (var migration in applied)
                {
                    json.WriteStringValue(migration.Name);
                }

                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndObject();
                await EndLineAsync(json, output, cancellationToken).ConfigureAwait(false);

                var facts = new List<KeyValuePair<string, object?>>();
                long total = 0;
                foreach (var table in tables)
                {
                    json.WriteStartObject();
                    json.WriteString("table", table.Name);
                    json.WriteStartArray("columns");
                    foreach (var column in table.ColumnNames)
                    {
                        json.WriteStringValue(column);
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                    await EndLineAsync(json, output, cancellationToken).ConfigureAwait(false);

                    var checksum = new DumpChecksum();
                    await foreach (var entity in table.ReadAll(context).WithCancellation(cancellationToken).ConfigureAwait(false))
                    {
                        var values = table.ValuesOf(entity);
                        json.WriteStartObject();
                        json.WriteStartObject("row");
                        for (var index = 0; index < values.Length; index++)
                        {
                            json.WritePropertyName(table.ColumnNames[index]);
                            DumpValues.Write(json, table.Columns[index], values[index]);
                        }

                        json.WriteEndObject();
                        json.WriteEndObject();
                        await EndLineAsync(json, output, cancellationToken).ConfigureAwait(false);
                        checksum.Add(DumpValues.Canonical(table.Columns, values));
                        if (checksum.Rows % ProgressRows == 0)
                        {
                            progress?.Report(new DatabaseTransferProgress("export", table.Name, checksum.Rows));
                        }
                    }

                    json.WriteStartObject();
                    json.WriteString("end", table.Name);
                    json.WriteNumber("rows", checksum.Rows);
                    json.WriteString("sha256", checksum.ToHex());
                    json.WriteEndObject();
                    await EndLineAsync(json, output, cancellationToken).ConfigureAwait(false);
                    progress?.Report(new DatabaseTransferProgress("export", table.Name, checksum.Rows));
                    facts.Add(new($"rows_{table.Name}", checksum.Rows));
                    total += checksum.Rows;
                }

                json.WriteStartObject();
                json.WriteBoolean("end_of_dump", true);
                json.WriteNumber("tables", tables.Count);
                json.WriteNumber("rows", total);
                json.WriteEndObject();
                await EndLineAsync(json, output, cancellationToken).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);

                // Chunks of a knowledge base whose vector database is outside the database
                // (Qdrant) are not in it, so they cannot be in the dump: say which.
                var withoutChunks = await context.KnowledgeBases
                    .Where(knowledgeBase => !context.KnowledgeChunks.Any(chunk => chunk.KnowledgeBaseName == knowledgeBase.Name))
                    .Select(knowledgeBase => knowledgeBase.Name + " (" + knowledgeBase.VectorDbId + ")")
                    .ToListAsync(cancellationToken).ConfigureAwait(false);
                withoutChunks.Sort(StringComparer.Ordinal);

                LogExported(provider.Description, applied[^1].Name, tables.Count, total, elapsed.Elapsed.TotalMilliseconds);
                return new DatabaseReport(
                [
                    new("source", provider.Description),
                    new("format_version", DumpFormat.Version),
                    new("migration", applied[^1].Name),
                    new("tables", tables.Count),
                    new("rows", total),
                    .. facts,
                    new("knowledge_bases_without_chunks", withoutChunks.Count == 0 ? null : string.Join(", ", withoutChunks)),
                    new("duration_ms", Math.Round(elapsed.Elapsed.TotalMilliseconds)),
                ]);
            }
        }
    }

    public async Task<DatabaseReport> ImportAsync(string dumpName, Func<Stream> openDump, IProgress<DatabaseTransferProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(dumpName);
        ArgumentNullException.ThrowIfNull(openDump);
        var elapsed = Stopwatch.StartNew();
        dialect.EnsureNoOtherWriter();
        var applied = await CurrentMigrationsAsync("import into", cancellationToken).ConfigureAwait(false);
        IReadOnlyList<DumpTable> tables;
        var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            tables = DumpTable.InDependencyOrder(context.Model);
        }

        // First pass: the whole dump is read and checked before anything is written, so that a
        // damaged, truncated or foreign file leaves the target as it was.
        var (header, expected) = await CheckAsync(dumpName, openDump, tables, applied, progress, cancellationToken).ConfigureAwait(false);

        context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            foreach (var table in tables)
            {
                if (await table.AnyAsync(context, cancellationToken).ConfigureAwait(false))
                {
                    throw new TransferRefusedException(
                        $"the target database ({provider.Description}) is not empty: table {table.Name} holds rows; allowed: an empty database with every migration applied (`compozy migrate up` on a new database); nothing was written");
                }
            }
        }

        try
        {
            await WriteRowsAsync(dumpName, openDump, tables, progress, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync((target, token) => dialect.AfterImportAsync(target, token), cancellationToken).ConfigureAwait(false);
            await VerifyAsync(tables, expected, progress, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The target was empty: deleting every row gives it back as it was. Not cancellable,
            // because an interrupted import must not stay half written.
            await writer.WriteAsync(
                async (target, token) =>
                {
                    foreach (var table in tables.Reverse())
                    {
                        await table.DeleteAllAsync(target, token).ConfigureAwait(false);
                    }
                },
                CancellationToken.None).ConfigureAwait(false);
            LogRolledBack(dumpName, provider.Description);
            throw;
        }

        var total = expected.Values.Sum(table => table.Rows);
        LogImported(dumpName, header.SourceDriver, provider.Description, tables.Count, total, elapsed.Elapsed.TotalMilliseconds);
        return new DatabaseReport(
        [
            new("dump", dumpName),
            new("target", provider.Description),
            new("source_driver", header.SourceDriver),
            new("dump_created_at", header.CreatedAt),
            new("migration", header.LastMigration),
            new("tables", tables.Count),
            new("rows", total),
            .. tables.Select(table => new KeyValuePair<string, object?>($"rows_{table.Name}", expected[table.Name].Rows)),
            new("verified", "counts and checksums of every table read back from the target"),
            new("duration_ms", Math.Round(elapsed.Elapsed.TotalMilliseconds)),
        ]);
    }

    private async Task<List<MigrationStatusEntry>> CurrentMigrationsAsync(string verb, CancellationToken cancellationToken)
    {
        var status = await migrations.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        NewerSchemaException.ThrowIfAny(status);
        var applied = status.Applied.Where(migration => migration.IsKnown).ToList();
        if (!status.IsCurrent || applied.Count == 0)
        {
            throw new PendingMigrationsException(
                $"cannot {verb} {provider.Description}: it is not migrated to this build's schema (pending: {string.Join(", ", status.Pending.Select(migration => migration.Id))}); " +
                "run `compozy migrate up` first; nothing was written");
        }

        return applied;
    }

    private async Task<(DumpHeader Header, Dictionary<string, (long Rows, string Checksum)> Tables)> CheckAsync(
        string dumpName,
        Func<Stream> openDump,
        IReadOnlyList<DumpTable> tables,
        List<MigrationStatusEntry> applied,
        IProgress<DatabaseTransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        using var reader = new DumpReader(openDump(), tables, dumpName);
        var header = await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        var known = (await migrations.GetStatusAsync(cancellationToken).ConfigureAwait(false)).Migrations
            .Where(migration => migration.IsKnown).Select(migration => migration.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = header.Migrations.Where(name => !known.Contains(name)).ToList();
        if (unknown.Count > 0)
        {
            throw new NewerSchemaException(
                $"the dump {dumpName} comes from a newer schema: it has {unknown.Count} migration{(unknown.Count == 1 ? string.Empty : "s")} this build does not know ({string.Join(", ", unknown)}). " +
                "Import it with the build that exported it (or a newer one); nothing was written");
        }

        if (header.LastMigration != applied[^1].Name)
        {
            throw new TransferRefusedException(
                $"the dump {dumpName} is at migration {header.LastMigration}, and the target is at {applied[^1].Name}; " +
                $"allowed: a target migrated to the dump's migration, {header.LastMigration}; nothing was written");
        }

        var found = new Dictionary<string, (long Rows, string Checksum)>(StringComparer.Ordinal);
        DumpChecksum? checksum = null;
        while (await reader.NextAsync(cancellationToken).ConfigureAwait(false) is { } record)
        {
            switch (record.Kind)
            {
                case DumpRecordKind.Table:
                    if (found.ContainsKey(record.Table!.Name))
                    {
                        throw Damaged(dumpName, reader.Line, $"table {record.Table.Name} appears twice");
                    }

                    checksum = new DumpChecksum();
                    break;
                case DumpRecordKind.Row:
                    checksum!.Add(DumpValues.Canonical(record.Table!.Columns, record.Values!));
                    if (checksum.Rows % ProgressRows == 0)
                    {
                        progress?.Report(new DatabaseTransferProgress("check", record.Table.Name, checksum.Rows));
                    }

                    break;
                case DumpRecordKind.End:
                    if (checksum!.Rows != record.Rows || checksum.ToHex() != record.Checksum)
                    {
                        throw Damaged(
                            dumpName,
                            reader.Line,
                            string.Create(CultureInfo.InvariantCulture, $"table {record.Table!.Name} holds {checksum.Rows} rows with checksum {checksum.ToHex()}, and its end line states {record.Rows} rows with checksum {record.Checksum}: rows were changed, added or lost after the export"));
                    }

                    found[record.Table!.Name] = (checksum.Rows, checksum.ToHex());
                    break;
                case DumpRecordKind.EndOfDump:
                    var missing = tables.Where(table => !found.ContainsKey(table.Name)).Select(table => table.Name).ToList();
                    if (missing.Count > 0)
                    {
                        throw Damaged(dumpName, reader.Line, $"it has no table {string.Join(", ", missing)}");
                    }

                    var total = found.Values.Sum(table => table.Rows);
                    if (total != record.Rows)
                    {
                        throw Damaged(dumpName, reader.Line, string.Create(CultureInfo.InvariantCulture, $"its tables hold {total} rows, and its last line states {record.Rows}"));
                    }

                    break;
                default:
                    throw new UnreachableException();
            }
        }

        return (header, found);
    }

    private async Task WriteRowsAsync(
        string dumpName, Func<Stream> openDump, IReadOnlyList<DumpTable> tables, IProgress<DatabaseTransferProgress>? progress, CancellationToken cancellationToken)
    {
        var batch = new List<object?[]>(DumpFormat.BatchRows);
        using (var reader = new DumpReader(openDump(), tables, dumpName))
        {
            await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            long rows = 0;
            while (await reader.NextAsync(cancellationToken).ConfigureAwait(false) is { } record)
            {
                switch (record.Kind)
                {
                    case DumpRecordKind.Table:
                        rows = 0;
                        break;
                    case DumpRecordKind.Row:
                        batch.Add(record.Values!);
                        rows++;
                        if (batch.Count == DumpFormat.BatchRows)
                        {
                            await InsertAsync(record.Table!, batch, cancellationToken).ConfigureAwait(false);
                            progress?.Report(new DatabaseTransferProgress("import", record.Table!.Name, rows));
                        }

                        break;
                    case DumpRecordKind.End:
                        await InsertAsync(record.Table!, batch, cancellationToken).ConfigureAwait(false);
                        progress?.Report(new DatabaseTransferProgress("import", record.Table!.Name, rows));
                        break;
                    default:
                        break;
                }
            }
        }

        // A row may point at a row of its own table that comes after it (a task and its
        // parent): those columns were left null above and are set now that every row is in.
        foreach (var table in tables.Where(table => table.SelfReferences.Count > 0))
        {
            using var reader = new DumpReader(openDump(), tables, dumpName);
            await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.NextAsync(cancellationToken).ConfigureAwait(false) is { } record)
            {
                if (record.Kind == DumpRecordKind.Row && record.Table == table && table.SelfReferences.Any(column => record.Values![IndexOf(table, column)] is not null))
                {
                    batch.Add(record.Values!);
                    if (batch.Count == DumpFormat.BatchRows)
                    {
                        await LinkAsync(table, batch, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await LinkAsync(table, batch, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task InsertAsync(DumpTable table, List<object?[]> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var rows = batch.ToArray();
        batch.Clear();
        var selfReferences = table.SelfReferences.Select(column => IndexOf(table, column)).ToArray();
        await writer.WriteAsync(
            (target, _) =>
            {
                // Built again on each call: the PostgreSQL writer re-runs the delegate after a transient failure.
                foreach (var row in rows)
                {
                    var values = (object?[])row.Clone();
                    foreach (var index in selfReferences)
                    {
                        values[index] = null;
                    }

                    target.Add(table.Create(values));
                }

                return Task.CompletedTask;
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task LinkAsync(DumpTable table, List<object?[]> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var rows = batch.ToArray();
        batch.Clear();
        await writer.WriteAsync(
            (target, _) =>
            {
                foreach (var row in rows)
                {
                    var entry = target.Attach(table.Create(row));
                    foreach (var column in table.SelfReferences)
                    {
                        entry.Property(column.Name).IsModified = true;
                    }
                }

                return Task.CompletedTask;
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task VerifyAsync(
        IReadOnlyList<DumpTable> tables, Dictionary<string, (long Rows, string Checksum)> expected, IProgress<DatabaseTransferProgress>? progress, CancellationToken cancellationToken)
    {
        var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            foreach (var table in tables)
            {
                var checksum = new DumpChecksum();
                await foreach (var entity in table.ReadAll(context).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    checksum.Add(DumpValues.Canonical(table.Columns, table.ValuesOf(entity)));
                }

                progress?.Report(new DatabaseTransferProgress("verify", table.Name, checksum.Rows));
                var (rows, sum) = expected[table.Name];
                if (checksum.Rows != rows || checksum.ToHex() != sum)
                {
                    throw new DatabaseIntegrityException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"read back from {provider.Description}, table {table.Name} holds {checksum.Rows} rows with checksum {checksum.ToHex()}, and the dump {rows} rows with checksum {sum}; the imported rows were deleted, and the target is empty again"));
                }
            }
        }
    }

    private static int IndexOf(DumpTable table, Microsoft.EntityFrameworkCore.Metadata.IProperty column)
    {
        for (var index = 0; index < table.Columns.Count; index++)
        {
            if (table.Columns[index] == column)
            {
                return index;
            }
        }

        throw new ArgumentException($"{column.Name} is not a column of {table.Name}", nameof(column));
    }

    private static DatabaseIntegrityException Damaged(string dumpName, long line, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"the dump {dumpName} is damaged at line {line}: {problem}; nothing was written. Export it again"));

    private static async Task EndLineAsync(Utf8JsonWriter json, Stream output, CancellationToken cancellationToken)
    {
        await json.FlushAsync(cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
        json.Reset(output);
    }

    [LoggerMessage(EventId = 3090, Level = LogLevel.Information, Message = "export completed: {Source} at migration {Migration}, {Tables} tables, {Rows} rows, duration_ms={DurationMilliseconds:F0}")]
    private partial void LogExported(string source, string migration, int tables, long rows, double durationMilliseconds);

    [LoggerMessage(EventId = 3091, Level = LogLevel.Information, Message = "import completed: {Dump} (exported from {SourceDriver}) into {Target}, {Tables} tables, {Rows} rows, counts and checksums verified, duration_ms={DurationMilliseconds:F0}")]
    private partial void LogImported(string dump, string sourceDriver, string target, int tables, long rows, double durationMilliseconds);

    [LoggerMessage(EventId = 3092, Level = LogLevel.Warning, Message = "import of {Dump} into {Target} failed; every row it wrote was deleted, and the target is empty again")]
    private partial void LogRolledBack(string dump, string target);
}
