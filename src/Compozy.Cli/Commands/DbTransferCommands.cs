using System.CommandLine;
using System.IO.Compression;
using Compozy.Cli.Configuration;
using Compozy.Data.Audit;
using Compozy.Data.Files;
using Compozy.Data.Operations.Transfer;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Cli.Commands;

/// <summary><c>compozy db export|import</c>: a portable dump that moves a deployment between databases.</summary>
internal static class DbTransferCommands
{
    private const string GzipSuffix = ".gz";

    public static Command CreateExport(CliConsole console, ConfigurationFlags flags)
    {
        var output = new Option<string>("--out")
        {
            Description = "The dump to write: a new file (mode 0600); gzip'd when its name ends in .gz.",
            HelpName = "FILE",
            Required = true,
        };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var export = new Command("export", "Write every table of the database to a portable, versioned dump (JSON Lines) with a row count and checksum per table, for compozy db import on SQLite or PostgreSQL. Reads only, in one snapshot; safe next to a running host.")
        {
            output, json,
        };
        export.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = Path.GetFullPath(parseResult.GetValue(output)!);
            var directory = Path.GetDirectoryName(path)!;
            if (File.Exists(path) || Directory.Exists(path))
            {
                await console.Error.WriteLineAsync($"compozy: --out: {path} exists; allowed: a new file (an export never replaces a file)").ConfigureAwait(false);
                return ExitCodes.InvalidConfiguration;
            }

            if (!Directory.Exists(directory))
            {
                await console.Error.WriteLineAsync($"compozy: --out: the directory {directory} does not exist; allowed: a new file in an existing directory").ConfigureAwait(false);
                return ExitCodes.InvalidConfiguration;
            }

            return await DataCommandRunner.RunAsync(parseResult, console, flags, DatabaseAccess.Read, async (services, loaded, token) =>
            {
                // Written under a hidden name and renamed once complete, so that a file under the
                // dump's name is never a dump cut short.
                var partial = Path.Combine(directory, $".{Path.GetFileName(path)}.partial");
                try
                {
                    // Owner-only: the dump holds users' emails and API key hashes.
                    var file = PrivateFile.Open(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
                    Data.Operations.DatabaseReport report;
                    await using (file.ConfigureAwait(false))
                    {
                        var gzip = path.EndsWith(GzipSuffix, StringComparison.Ordinal) ? new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true) : null;
                        try
                        {
                            report = await services.GetRequiredService<IDatabaseTransfer>()
                                .ExportAsync(gzip ?? (Stream)file, new StderrTransferProgress(console.Error), token).ConfigureAwait(false);
                        }
                        finally
                        {
                            // Disposing writes the gzip trailer into the file, which stays open to be flushed.
                            if (gzip is not null)
                            {
                                await gzip.DisposeAsync().ConfigureAwait(false);
                            }
                        }

                        await file.FlushAsync(token).ConfigureAwait(false);
                        file.Flush(flushToDisk: true);
                    }

                    File.Move(partial, path);
                    await DbCommand.PrintAsync(console.Out, loaded, new([new("path", path), new("bytes", new FileInfo(path).Length), .. report.Facts]), parseResult.GetValue(json)).ConfigureAwait(false);
                    return ExitCodes.Success;
                }
                catch
                {
                    File.Delete(partial);
                    throw;
                }
            }, cancellationToken).ConfigureAwait(false);
        });
        return export;
    }

    public static Command CreateImport(CliConsole console, ConfigurationFlags flags)
    {
        var file = new Argument<string>("FILE") { Description = "The dump to import (a file written by compozy db export, gzip'd or not)." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var import = new Command("import", "Import a dump into an empty, migrated database: checks the whole dump first, writes it in batches (one transaction each) with progress on standard error, then verifies every table's count and checksum read back. A failure leaves the database empty, as it was.")
        {
            file, json,
        };

        // Read access: the provider's check that no other process uses the database must come
        // before this process opens its own writer, which the write path's startup checks would.
        import.SetAction((parseResult, cancellationToken) =>
        {
            var audit = new CliAudit(AuditActions.DatabaseImport, parseResult.GetValue(file));
            return DataCommandRunner.RunAsync(parseResult, console, flags, DatabaseAccess.Read, async (services, loaded, token) =>
        {
            var path = Path.GetFullPath(parseResult.GetValue(file)!);
            if (!File.Exists(path))
            {
                throw new TransferRefusedException($"FILE: {path} does not exist or is not a file; allowed: a dump written by compozy db export; nothing was written");
            }

            var report = await services.GetRequiredService<IDatabaseTransfer>()
                .ImportAsync(path, () => Open(path), new StderrTransferProgress(console.Error), token).ConfigureAwait(false);
            DbCommand.Describe(audit, report, "rows", "tables", "source_driver");
            await DbCommand.PrintAsync(console.Out, loaded, report, parseResult.GetValue(json)).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken, audit);
        });
        return import;
    }

    // By content, not by name: a dump renamed without .gz still imports.
    private static Stream Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        var read = stream.Read(magic);
        stream.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(stream, CompressionMode.Decompress) : stream;
    }
}
