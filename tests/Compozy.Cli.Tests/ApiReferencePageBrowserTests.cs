using System.Collections.Concurrent;
using Compozy.Api;
using Compozy.Data.Testing;
using Microsoft.Playwright;

namespace Compozy.Cli.Tests;

/// <summary>
/// The API reference page in Debian's headless Chromium, with every request off loopback refused:
/// it renders the host's OpenAPI document from what the host serves alone.
/// </summary>
public sealed class ApiReferencePageBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    // Nothing Chromium does on its own (updates, sync, QUIC probes) may reach the network.
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    // The page reads the document, not the database: one database is enough.
    [Fact]
    public async Task The_reference_page_shows_the_api_in_a_browser_without_the_network()
    {
        File.Exists(Chromium).ShouldBeTrue($"{Chromium} is missing: install Debian's chromium package (scripts/test.sh does, as root)");
        await using var host = await InProcessHost.StartAsync(DatabaseKind.Sqlite, "openapi_browser");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
        await using var context = await browser.NewContextAsync();
        var problems = new ConcurrentQueue<string>();
        await context.RouteAsync("**/*", async route =>
        {
            if (new Uri(route.Request.Url).IsLoopback)
            {
                await route.ContinueAsync();
            }
            else
            {
                problems.Enqueue($"request off loopback: {route.Request.Method} {route.Request.Url}");
                await route.AbortAsync();
            }
        });
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => problems.Enqueue($"script error: {error}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                problems.Enqueue($"answer {response.Status}: {response.Url}");
            }
        };

        var answer = await page.GotoAsync(new Uri(host.BaseAddress, ApiEndpoints.ReferencePagePath).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        answer.ShouldNotBeNull();
        answer.Status.ShouldBe(200);

        // The document's title and an operation's summary, as the host's document has them.
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Compozy API" }).First.WaitForAsync();
        await page.GetByText("Store a workflow execution, replacing the stored one").First.WaitForAsync();
        problems.ShouldBeEmpty();
    }
}
