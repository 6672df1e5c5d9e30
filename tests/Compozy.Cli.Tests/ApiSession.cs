using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Compozy.Data.Testing;

namespace Compozy.Cli.Tests;

/// <summary>
/// A running <c>compozy start</c> on a real database with a bootstrapped admin key, and an HTTP
/// client for its API, used as a new user would use it.
/// </summary>
internal sealed class ApiSession : IAsyncDisposable
{
    private ApiSession(CliDatabase cli, CompozyProcess.RunningHost host, string adminKey, string[] hostArgs)
    {
        Cli = cli;
        Host = host;
        AdminKey = adminKey;
        HostArgs = hostArgs;
    }

    public CliDatabase Cli { get; }

    public CompozyProcess.RunningHost Host { get; private set; }

    public string AdminKey { get; }

    private string[] HostArgs { get; }

    public static async Task<ApiSession> StartAsync(DatabaseKind database, string purpose, params string[] hostArgs)
    {
        var cli = await CliDatabase.CreateAsync(database, purpose);
        var bootstrap = await cli.RunAsync("auth", "bootstrap", "--email", "admin@example.com");
        bootstrap.ExitCode.ShouldBe(0, bootstrap.ToString());
        var key = bootstrap.Stdout.TrimEnd().Split('\n')[^1].Trim();
        key.ShouldStartWith("cpzy_", customMessage: bootstrap.ToString());
        var host = await CompozyProcess.StartHostAsync(cli.WorkingDirectory, cli.Environment, hostArgs);
        return new ApiSession(cli, host, key, hostArgs);
    }

    /// <summary>Starts the host again on the same database (after a kill or a stop).</summary>
    public async Task RestartAsync()
    {
        await Host.DisposeAsync();
        Host = await CompozyProcess.StartHostAsync(Cli.WorkingDirectory, Cli.Environment, HostArgs);
    }

    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = Json(json);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        // Answers may nest deeper than a request (ApiJson.MaxDepth): read them as deep.
        var body = text.Length == 0 ? default : JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = Compozy.Api.Json.ApiJson.MaxDepth }).RootElement.Clone();
        ((int)response.StatusCode).ShouldBeLessThan(500, $"{method} {path} answered {(int)response.StatusCode}: {text}");
        return (response.StatusCode, body);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Cli.DisposeAsync();
    }
}
