using System.CommandLine;
using System.Data.Common;
using Compozy.Cli.Configuration;
using Compozy.Cli.Hosting;
using Compozy.Data.Errors;
using Compozy.Data.Migrations;
using Compozy.Data.Operations;
using Compozy.Data.Startup;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Compozy.Cli.Commands;

/// <summary>
/// Runs a command that needs the data services but no host: loads configuration, builds the
/// services, runs, and turns failures into messages and exit codes.
/// </summary>
internal static class DataCommandRunner
{
    public static async Task<int> RunAsync(
        ParseResult parseResult,
        CliConsole console,
        ConfigurationFlags flags,
        Func<IServiceProvider, LoadedConfiguration, CancellationToken, Task<int>> action,
        CancellationToken cancellationToken)
    {
        var loaded = ConfigurationLoader.Load(parseResult, console, [flags], readServer: false);
        if (loaded is null)
        {
            return ExitCodes.InvalidConfiguration;
        }

        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddCompozyCliLogging())
            .AddCompozyData(loaded.Options, loaded.Provider, loaded.Warnings);
        var provider = services.BuildServiceProvider();
        await using (provider.ConfigureAwait(false))
        {
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("Compozy.Cli").LogConfigurationWarnings(loaded.Warnings);

            try
            {
                return await action(provider, loaded, cancellationToken).ConfigureAwait(false);
            }
            catch (MigrationTargetException exception)
            {
                await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.InvalidConfiguration;
            }
            catch (MigrationFailedException exception)
            {
                await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (DatabaseIntegrityException exception)
            {
                await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.DatabaseDamaged;
            }
            catch (CompozyDataException exception)
            {
                await console.Error.WriteLineAsync($"compozy: {exception.Message} ({loaded.Provider.Description})").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (Exception exception) when (exception is DbException or TimeoutException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                await console.Error.WriteLineAsync(
                    $"compozy: database error on {loaded.Provider.Description}: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        }
    }
}
