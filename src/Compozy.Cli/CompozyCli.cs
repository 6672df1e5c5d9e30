using System.CommandLine;
using Compozy.Cli.Commands;
using Compozy.Cli.Configuration;
using Compozy.Data.Hosting;

namespace Compozy.Cli;

/// <summary>The <c>compozy</c> command line.</summary>
internal static class CompozyCli
{
    public static async Task<int> RunAsync(string[] args, CliConsole console)
    {
        var dataFlags = new ConfigurationFlags(CompozyConfigurationSources.DataKeys, recursive: true);
        var root = new RootCommand("compozy: the Compozy workflow engine's data layer: host, migrations and database operations.");
        dataFlags.AddTo(root);
        root.Subcommands.Add(StartCommand.Create(console, dataFlags));
        root.Subcommands.Add(MigrateCommand.Create(console, dataFlags));
        root.Subcommands.Add(DbCommand.Create(console, dataFlags));
        root.Subcommands.Add(AuthCommand.Create(console, dataFlags));
        root.Subcommands.Add(AuditCommand.Create(console, dataFlags));

        // System.CommandLine reads an argument starting with '@' as a file of more arguments; here
        // every argument is taken as written, so `--email @example.com` is refused as an email and
        // `--db-path @data.db` names that file, never another file's contents.
        var parseResult = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await console.Error.WriteLineAsync($"compozy: {error.Message}").ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync("Run 'compozy --help' for usage.").ConfigureAwait(false);
            return ExitCodes.InvalidConfiguration;
        }

        // The host handles SIGTERM and Ctrl-C itself and needs the whole shutdown timeout;
        // System.CommandLine's own handler would cut that short.
        var invocation = new InvocationConfiguration
        {
            ProcessTerminationTimeout = null,
            Output = console.Out,
            Error = console.Error,
        };
        return await parseResult.InvokeAsync(invocation).ConfigureAwait(false);
    }
}
