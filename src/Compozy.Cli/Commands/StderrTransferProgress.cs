using System.Diagnostics;
using System.Globalization;
using Compozy.Data.Operations.Transfer;

namespace Compozy.Cli.Commands;

/// <summary>
/// Export and import progress as lines on standard error (standard output stays for the result):
/// a line when a table is done and, inside a long table, about one a second.
/// </summary>
internal sealed class StderrTransferProgress(TextWriter error) : IProgress<DatabaseTransferProgress>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private string? _table;

    public void Report(DatabaseTransferProgress value)
    {
        lock (error)
        {
            var tableChanged = value.Table != _table;
            _table = value.Table;
            if (!tableChanged && _sinceLast.Elapsed < Interval)
            {
                return;
            }

            _sinceLast.Restart();
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{value.Phase}: {value.Table} {value.Rows} rows"));
            error.Flush();
        }
    }
}
