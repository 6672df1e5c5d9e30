using System.Globalization;
using Compozy.Data.Operations;

namespace Compozy.Cli.Commands;

/// <summary>
/// Backup progress as lines on standard error (standard output stays for the result): one about
/// every second while the copy is written, so only a backup that takes that long shows any.
/// </summary>
internal sealed class StderrBackupProgress(TextWriter error) : IProgress<DatabaseBackupProgress>
{
    private const double Mebibyte = 1024 * 1024;

    public void Report(DatabaseBackupProgress value)
    {
        var percent = value.BytesExpected > 0 ? Math.Min(100, 100.0 * value.BytesWritten / value.BytesExpected) : 0;
        lock (error)
        {
            error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"backup: {value.BytesWritten / Mebibyte:F1} MiB written of about {value.BytesExpected / Mebibyte:F1} MiB ({percent:F0}%)"));
            error.Flush();
        }
    }
}
