using System.Globalization;
using Microsoft.Playwright;

namespace Compozy.Docs.Tests.Site;

/// <summary>
/// The built site as a reader sees it, in headless Chromium: each page here renders without a
/// console error, a failed request or a request off loopback, and leaves a screenshot in
/// artifacts/screenshots.
/// </summary>
[Collection(SiteTestGroup.Name)]
public sealed class SiteBrowserTests(SiteFixture site)
{
    // The navigation the docs plan asks for, in its order.
    // A diagram without a drawn box or a label: what a renderer that failed, or has not finished, leaves.
    private const string EmptyDiagram = "svg => svg.getBBox().width < 50 || svg.querySelectorAll('text, foreignObject').length === 0";

    private static readonly string[] Sections =
        ["Getting started", "Database", "Knowledge bases", "CLI", "Configuration", "Operations", "Troubleshooting", "API"];

    [Fact]
    public async Task The_home_page_renders_the_index_and_the_navigation_of_every_section()
    {
        await using var watched = await WatchedPage.OpenAsync(site.Browser);
        await watched.GoToAsync(new Uri(site.BaseAddress, "index.html"));
        var page = watched.Page;

        (await page.Locator("article h1").First.InnerTextAsync()).ShouldBe("Compozy.Data documentation");
        var navigation = page.Locator("#navbar a.nav-link");
        await navigation.First.WaitForAsync();
        (await navigation.AllInnerTextsAsync()).Select(text => text.Trim()).ShouldBe(Sections);
        (await page.Locator("article a[href='getting-started/quickstart.html']").CountAsync()).ShouldBeGreaterThan(0);
        (await SticksOutAsync(page, "#navbar a.nav-link:has-text('API')")).ShouldBeFalse("the last section is outside the window");
        (await SticksOutAsync(page, "#search-query")).ShouldBeFalse("the search box is outside the window");

        await watched.ScreenshotAsync("home");
        watched.ShouldHaveNoProblems();
    }

    [Fact]
    public async Task Searching_for_sqlite_lists_the_sqlite_pages()
    {
        await using var watched = await WatchedPage.OpenAsync(site.Browser);
        await watched.GoToAsync(new Uri(site.BaseAddress, "index.html"));
        var page = watched.Page;

        // The box is enabled once the search index has loaded.
        await page.Locator("#search-query").FillAsync("sqlite");
        var results = page.Locator("#search-results .sr-item .item-title a");
        await results.First.WaitForAsync();
        var links = await results.EvaluateAllAsync<string[]>("links => links.map(link => link.getAttribute('href'))");

        links.ShouldContain(href => href.Contains("database/sqlite.html", StringComparison.Ordinal), $"results: {string.Join(", ", links)}");
        links.ShouldContain(href => href.Contains("database/overview.html", StringComparison.Ordinal), $"results: {string.Join(", ", links)}");

        await watched.ScreenshotAsync("search-sqlite");
        watched.ShouldHaveNoProblems();
    }

    [Fact]
    public async Task The_dark_theme_applies_and_stays_after_a_reload()
    {
        await using var watched = await WatchedPage.OpenAsync(site.Browser, new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            ColorScheme = ColorScheme.Light,
        });
        await watched.GoToAsync(new Uri(site.BaseAddress, "database/sqlite.html"));
        var page = watched.Page;
        (await BackgroundLuminanceAsync(page)).ShouldBeGreaterThan(0.8, "the light theme should have a light background");

        await page.Locator("a[title='Change theme']").ClickAsync();
        await page.Locator(".dropdown-menu.show a.dropdown-item", new PageLocatorOptions { HasText = "Dark" }).ClickAsync();

        (await page.Locator("html").GetAttributeAsync("data-bs-theme")).ShouldBe("dark");
        (await BackgroundLuminanceAsync(page)).ShouldBeLessThan(0.2, "the dark theme should have a dark background");
        await watched.ScreenshotAsync("dark");

        await page.ReloadAsync(new PageReloadOptions { WaitUntil = WaitUntilState.NetworkIdle });
        (await page.Locator("html").GetAttributeAsync("data-bs-theme")).ShouldBe("dark");
        watched.ShouldHaveNoProblems();
    }

    [Theory]
    [InlineData("database/sqlite.html", 2)]
    [InlineData("cli/start.html", 1)]
    [InlineData("database/overview.html", 1)]
    [InlineData("knowledge-bases/vector-databases.html", 1)]
    public async Task The_diagrams_of_a_page_render_as_svg_without_the_network(string path, int diagrams)
    {
        await using var watched = await WatchedPage.OpenAsync(site.Browser);
        await watched.GoToAsync(new Uri(site.BaseAddress, path));
        var page = watched.Page;

        // The template's script replaces each mermaid code block with an SVG once its bundled
        // renderer has loaded; a block left as text means the renderer did not run.
        // An <svg> is in the page before mermaid has laid out its boxes and labels (a CI run under
        // load caught one mid-way), so wait until every diagram is drawn, or the timeout passes
        // and the assertions below say what is missing.
        var rendered = page.Locator("article .mermaid svg");
        await rendered.Nth(diagrams - 1).WaitForAsync();
        try
        {
            await page.WaitForFunctionAsync($"count => {{ const svgs = [...document.querySelectorAll('article .mermaid svg')]; return svgs.length === count && svgs.every(svg => !({EmptyDiagram})(svg)); }}", diagrams);
        }
        catch (TimeoutException)
        {
            // Reported by the assertions below, which name what is missing.
        }

        (await rendered.CountAsync()).ShouldBe(diagrams);
        (await page.Locator("article code.lang-mermaid").CountAsync()).ShouldBe(0, "a diagram is still shown as its source");
        var emptyDiagrams = await rendered.EvaluateAllAsync<int>($"svgs => svgs.filter({EmptyDiagram}).length");
        emptyDiagrams.ShouldBe(0, "a diagram rendered without its boxes and labels");

        await rendered.First.ScrollIntoViewIfNeededAsync();
        await watched.ScreenshotAsync($"diagram-{Path.GetFileNameWithoutExtension(path)}");
        watched.ShouldHaveNoProblems();
    }

    [Fact]
    public async Task A_narrow_mobile_viewport_renders_a_page_without_sideways_scrolling_and_folds_the_sections_into_a_menu()
    {
        const int width = 390;
        const string name = "mobile";
        await using var watched = await WatchedPage.OpenAsync(site.Browser, new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
        });
        await watched.GoToAsync(new Uri(site.BaseAddress, "configuration/database.html"));
        var page = watched.Page;

        (await page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(width, "the page scrolls sideways");
        var menu = page.Locator("button[aria-controls='navpanel']");
        (await menu.IsVisibleAsync()).ShouldBeTrue("the navigation should fold into a menu button");
        await watched.ScreenshotAsync(name);

        await menu.ClickAsync();
        foreach (var section in new[] { "Getting started", "API" })
        {
            await page.Locator("#navbar a.nav-link", new PageLocatorOptions { HasText = section })
                .WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
            (await SticksOutAsync(page, $"#navbar a.nav-link:has-text('{section}')")).ShouldBeFalse($"{section} is outside the window");
        }

        (await SticksOutAsync(page, "#search-query")).ShouldBeFalse("the search box is outside the window");
        await watched.ScreenshotAsync($"{name}-menu");
        watched.ShouldHaveNoProblems();
    }

    // Whether the element reaches past the right edge of the window.
    private static async Task<bool> SticksOutAsync(IPage page, string selector)
    {
        var box = await page.Locator(selector).First.BoundingBoxAsync();
        box.ShouldNotBeNull($"{selector} is not rendered");
        return box.X + box.Width > page.ViewportSize!.Width;
    }

    // The relative luminance of the page's background colour, from 0 (black) to 1 (white).
    private static async Task<double> BackgroundLuminanceAsync(IPage page)
    {
        var color = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        var channels = color[(color.IndexOf('(', StringComparison.Ordinal) + 1)..color.IndexOf(')', StringComparison.Ordinal)]
            .Split(',')
            .Take(3)
            .Select(part => double.Parse(part.Trim(), CultureInfo.InvariantCulture) / 255)
            .Select(value => value <= 0.03928 ? value / 12.92 : Math.Pow((value + 0.055) / 1.055, 2.4))
            .ToArray();
        return (0.2126 * channels[0]) + (0.7152 * channels[1]) + (0.0722 * channels[2]);
    }
}
