using Microsoft.Playwright;

namespace Compozy.Docs.Tests.Site;

/// <summary>
/// The built site (artifacts/site, from <c>scripts/docs.sh build</c>) served on loopback, and
/// Debian's headless Chromium driven by Playwright. Playwright never downloads a browser here:
/// it is given the executable.
/// </summary>
public sealed class SiteFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    // Nothing Chromium does on its own (updates, sync, QUIC probes) may reach the network.
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private StaticSiteServer? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Uri BaseAddress => (_server ?? throw new InvalidOperationException("the fixture is not initialized")).BaseAddress;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the fixture is not initialized");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(RepositoryPaths.Site, "index.html")))
        {
            throw new InvalidOperationException(
                $"the documentation site is not built: {RepositoryPaths.Site}/index.html is missing. Build it with scripts/docs.sh build (scripts/test.sh does).");
        }

        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing: install Debian's chromium package (scripts/test.sh does, as root).");
        }

        _server = await StaticSiteServer.StartAsync(RepositoryPaths.Site);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SiteTestGroup : ICollectionFixture<SiteFixture>
{
    public const string Name = "documentation site";
}
