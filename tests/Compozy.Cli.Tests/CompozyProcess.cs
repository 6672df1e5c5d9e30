using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Compozy.Cli.Tests;

/// <summary>
/// Runs the real <c>compozy</c> executable as a child process: the published one when
/// <c>COMPOZY_CLI</c> names it (scripts/test.sh does), else the build output next to the tests.
/// The child gets no DB_* or SERVER_* variable from the test process, only those a test gives it.
/// </summary>
internal static partial class CompozyProcess
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    public static string Executable =>
        Environment.GetEnvironmentVariable("COMPOZY_CLI") is { Length: > 0 } published
            ? published
            : Path.Combine(AppContext.BaseDirectory, "compozy");

    public static Task<CliResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        RunWrappedAsync(workingDirectory, environment, [], args);

    /// <summary>Runs a command that must exit on its own within <paramref name="limit"/>; one that has to be killed fails the test.</summary>
    public static Task<CliResult> RunWithinAsync(TimeSpan limit, string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        RunWrappedWithinAsync(limit, workingDirectory, environment, [], args);

    /// <summary>
    /// Runs compozy through <paramref name="wrapper"/>, a command that ends by executing the
    /// program it is given (for example <c>setpriv --reuid=65534 ...</c> to run as another user).
    /// </summary>
    public static Task<CliResult> RunWrappedAsync(
        string workingDirectory, IReadOnlyDictionary<string, string?>? environment, IReadOnlyList<string> wrapper, params string[] args) =>
        RunWrappedWithinAsync(CommandTimeout, workingDirectory, environment, wrapper, args);

    private static async Task<CliResult> RunWrappedWithinAsync(
        TimeSpan limit, string workingDirectory, IReadOnlyDictionary<string, string?>? environment, IReadOnlyList<string> wrapper, string[] args)
    {
        using var process = Start(workingDirectory, environment, wrapper, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"compozy {string.Join(' ', args)} did not finish within {limit} and was killed");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public static Task<RunningHost> StartHostAsync(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        StartHostWrappedAsync(workingDirectory, environment, [], args);

    /// <summary>Starts <c>compozy start</c> through <paramref name="wrapper"/> (see <see cref="RunWrappedAsync"/>).</summary>
    public static async Task<RunningHost> StartHostWrappedAsync(
        string workingDirectory, IReadOnlyDictionary<string, string?>? environment, IReadOnlyList<string> wrapper, params string[] args)
    {
        var process = Start(workingDirectory, environment, wrapper, ["start", "--port", "0", .. args]);
        var host = new RunningHost(process);
        await host.WaitUntilListeningAsync();
        return host;
    }

    private static Process Start(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, IReadOnlyList<string> wrapper, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(wrapper.Count > 0 ? wrapper[0] : Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        IEnumerable<string> arguments = wrapper.Count > 0 ? [.. wrapper.Skip(1), Executable, .. args] : args;
        foreach (var arg in arguments)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in info.Environment.Keys.Where(name => name.StartsWith("DB_", StringComparison.Ordinal) || name.StartsWith("SERVER_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[name] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {Executable}");
    }

    /// <summary>A <c>compozy start</c> child process.</summary>
    internal sealed partial class RunningHost : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stderr = new();
        private readonly StringBuilder _stdout = new();
        private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RunningHost(Process process)
        {
            _process = process;
            _process.ErrorDataReceived += (_, line) =>
            {
                if (line.Data is null)
                {
                    _listening.TrySetException(new InvalidOperationException($"compozy start exited before listening:\n{Stderr}"));
                    return;
                }

                lock (_stderr)
                {
                    _stderr.AppendLine(line.Data);
                }

                if (ListeningPattern().Match(line.Data) is { Success: true } match)
                {
                    _listening.TrySetResult(new Uri(match.Groups["url"].Value));
                }
            };
            _process.OutputDataReceived += (_, line) =>
            {
                lock (_stdout)
                {
                    _stdout.AppendLine(line.Data);
                }
            };
            _process.BeginErrorReadLine();
            _process.BeginOutputReadLine();
        }

        public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

        public string Stderr
        {
            get
            {
                lock (_stderr)
                {
                    return _stderr.ToString();
                }
            }
        }

        public string Stdout
        {
            get
            {
                lock (_stdout)
                {
                    return _stdout.ToString();
                }
            }
        }

        public int ProcessId => _process.Id;

        public async Task WaitUntilListeningAsync()
        {
            BaseAddress = await _listening.Task.WaitAsync(CommandTimeout);
        }

        /// <summary>Sends SIGTERM and waits for the process to exit; returns its exit code.</summary>
        public async Task<int> TerminateAsync(TimeSpan within)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill!.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(within);
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }

        /// <summary>Sends SIGKILL, as a crash or the OOM killer would, and waits until the process is gone.</summary>
        public async Task KillAsync()
        {
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync();
        }

        /// <summary>Waits for the process to exit on its own; returns its exit code.</summary>
        public async Task<int> WaitForExitAsync()
        {
            using var timeout = new CancellationTokenSource(CommandTimeout);
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        [GeneratedRegex(@"Now listening on: (?<url>http://\S+)")]
        private static partial Regex ListeningPattern();
    }
}
