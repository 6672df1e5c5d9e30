using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Compozy.Docs.Tests.Site;

/// <summary>
/// A browser page in a context of its own that records what a reader would not see but a broken
/// site shows: console errors, uncaught script errors, failed requests, and any request to an
/// address off loopback (which is refused, so the page cannot quietly depend on the network).
/// </summary>
internal sealed class WatchedPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _problems = new();

    private WatchedPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
    }

    public IPage Page { get; }

    public IReadOnlyCollection<string> Problems => _problems;

    public static async Task<WatchedPage> OpenAsync(IBrowser browser, BrowserNewContextOptions? options = null)
    {
        var context = await browser.NewContextAsync(options ?? new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var watched = new WatchedPage(context, page);
        await context.RouteAsync("**/*", async route =>
        {
            if (IsLoopback(route.Request.Url))
            {
                await route.ContinueAsync();
            }
            else
            {
                watched._problems.Enqueue($"request off loopback: {route.Request.Method} {route.Request.Url}");
                await route.AbortAsync();
            }
        });
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                watched._problems.Enqueue($"console {message.Type}: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => watched._problems.Enqueue($"script error: {error}");
        page.RequestFailed += (_, request) =>
        {
            if (IsLoopback(request.Url))
            {
                watched._problems.Enqueue($"request failed: {request.Url} ({request.Failure})");
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                watched._problems.Enqueue($"answer {response.Status}: {response.Url}");
            }
        };
        return watched;
    }

    /// <summary>Opens <paramref name="url"/> and waits until the page and what its scripts load have settled.</summary>
    public async Task GoToAsync(Uri url)
    {
        var response = await Page.GotoAsync(url.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        response.ShouldNotBeNull($"no answer for {url}");
        response.Status.ShouldBe(200, $"{url}");
    }

    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(RepositoryPaths.Screenshots);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepositoryPaths.Screenshots, $"docs-site-{name}.png") });
    }

    public void ShouldHaveNoProblems() =>
        Problems.ShouldBeEmpty($"{Page.Url}: the browser saw problems");

    private static bool IsLoopback(string url) =>
        url.StartsWith("data:", StringComparison.Ordinal) || url.StartsWith("blob:", StringComparison.Ordinal) ||
        (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback);

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
