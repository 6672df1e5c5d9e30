using System.CommandLine;
using System.Globalization;
using Compozy.Cli.Commands;
using Compozy.Cli.Configuration;
using Compozy.Data.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Cli.Tests;

/// <summary>
/// The host <c>compozy start</c> runs (<see cref="StartCommand.BuildHost"/>), started in the test
/// process on a loopback port, configured from the environment as the CLI reads it, so that a test
/// can look at the app's own services (its router) while it talks to it over HTTP.
/// </summary>
internal sealed class InProcessHost : IAsyncDisposable
{
    private InProcessHost(CliDatabase cli, WebApplication app, Uri baseAddress, string adminKey)
    {
        Cli = cli;
        App = app;
        BaseAddress = baseAddress;
        AdminKey = adminKey;
    }

    public CliDatabase Cli { get; }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public string AdminKey { get; }

    public static async Task<InProcessHost> StartAsync(DatabaseKind database, string purpose)
    {
        var cli = await CliDatabase.CreateAsync(database, purpose);
        var bootstrap = await cli.RunAsync("auth", "bootstrap", "--email", "admin@example.com");
        bootstrap.ExitCode.ShouldBe(0, bootstrap.ToString());
        var key = bootstrap.Stdout.TrimEnd().Split('\n')[^1].Trim();

        var environment = new Dictionary<string, string?>(cli.Environment) { ["SERVER_PORT"] = "0" };
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var console = new CliConsole(TextWriter.Null, error, name => environment.GetValueOrDefault(name));
        var loaded = ConfigurationLoader.Load(new RootCommand().Parse([]), console, [], readServer: true);
        loaded.ShouldNotBeNull(error.ToString());

        var app = StartCommand.BuildHost(loaded, loaded.Server!);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new InProcessHost(cli, app, new Uri(address), key);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Cli.DisposeAsync();
    }
}
