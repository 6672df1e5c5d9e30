using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Compozy.Docs.Tests.Site;

/// <summary>
/// Follows every link of the built site from its home page, as served: each page and file a link
/// names answers 200, each <c>#bookmark</c> names an element of its page, and every page of the
/// site is reached. docfx already fails the build on a broken link between markdown files; this
/// checks what it does not see: the generated navigation, the .NET reference and the template.
/// </summary>
[Collection(SiteTestGroup.Name)]
public sealed partial class SiteLinkTests(SiteFixture site)
{
    [Fact]
    public async Task Every_internal_link_from_the_home_page_resolves_and_every_page_is_reached()
    {
        using var http = new HttpClient { BaseAddress = site.BaseAddress };
        var crawl = new Crawl(http, site.BaseAddress);
        await crawl.RunAsync(new Uri(site.BaseAddress, "index.html"));

        crawl.Broken.ShouldBeEmpty("broken links (page: link)");
        crawl.PagesRead.ShouldBeGreaterThan(20, "the crawl read too few pages to have followed the navigation");

        var pages = Directory.EnumerateFiles(RepositoryPaths.Site, "*.html", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepositoryPaths.Site, path).Replace('\\', '/'))
            // docfx writes a toc.html next to each toc.json for templates that load it; the modern template reads toc.json.
            .Where(path => Path.GetFileName(path) != "toc.html");
        pages.Where(path => !crawl.Reached.Contains(path)).ShouldBeEmpty("pages no link leads to");
    }

    private sealed partial class Crawl(HttpClient http, Uri root)
    {
        private readonly Dictionary<string, HashSet<string>?> _fetched = new(StringComparer.Ordinal);
        private readonly Queue<(string From, Uri Target)> _queue = new();

        public List<string> Broken { get; } = [];

        public HashSet<string> Reached { get; } = new(StringComparer.Ordinal);

        public int PagesRead { get; private set; }

        public async Task RunAsync(Uri start)
        {
            _queue.Enqueue(("(start)", start));
            while (_queue.TryDequeue(out var link))
            {
                var path = root.MakeRelativeUri(new UriBuilder(link.Target) { Fragment = string.Empty, Query = string.Empty }.Uri).ToString();
                var ids = await FetchAsync(link.From, path);
                if (ids is not null && link.Target.Fragment.Length > 1 && !ids.Contains(Uri.UnescapeDataString(link.Target.Fragment[1..])))
                {
                    Broken.Add($"{link.From}: {link.Target.PathAndQuery}{link.Target.Fragment} (no element with this id)");
                }
            }
        }

        // Fetches a path once; returns the ids of an HTML page, an empty set for other files, null when broken.
        private async Task<HashSet<string>?> FetchAsync(string from, string path)
        {
            if (_fetched.TryGetValue(path, out var known))
            {
                if (known is null)
                {
                    Broken.Add($"{from}: {path}");
                }

                return known;
            }

            using var response = await http.GetAsync(new Uri(path.Length == 0 ? "index.html" : path, UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                _fetched[path] = null;
                Broken.Add($"{from}: {path} ({(int)response.StatusCode})");
                return null;
            }

            var ids = new HashSet<string>(StringComparer.Ordinal);
            _fetched[path] = ids;
            var pageUri = new Uri(root, path);
            if (path.EndsWith(".html", StringComparison.Ordinal) || path.Length == 0)
            {
                Reached.Add(path.Length == 0 ? "index.html" : path);
                PagesRead++;
                var html = await response.Content.ReadAsStringAsync();
                foreach (Match id in IdAttribute().Matches(html))
                {
                    ids.Add(WebUtility.HtmlDecode(id.Groups["id"].Value));
                }

                foreach (Match link in LinkAttribute().Matches(html))
                {
                    Follow(path, pageUri, WebUtility.HtmlDecode(link.Groups["url"].Value));
                }

                // The template builds the navigation bar and the side menu from these toc.json files.
                foreach (Match meta in TocMeta().Matches(html))
                {
                    Follow(path, pageUri, Path.ChangeExtension(WebUtility.HtmlDecode(meta.Groups["url"].Value), ".json"));
                }
            }
            else if (path.EndsWith("toc.json", StringComparison.Ordinal))
            {
                using var toc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                foreach (var href in Hrefs(toc.RootElement))
                {
                    Follow(path, pageUri, href);
                }
            }

            return ids;
        }

        private void Follow(string from, Uri page, string url)
        {
            if (url.Length == 0 || url.StartsWith('#') && url.Length == 1 || IsOtherScheme(url))
            {
                return;
            }

            var target = new Uri(page, url);
            if (target.Scheme is "http" or "https" && !target.IsLoopback)
            {
                return;
            }

            if (target.Host != root.Host || target.Port != root.Port || !target.AbsolutePath.StartsWith(root.AbsolutePath, StringComparison.Ordinal))
            {
                Broken.Add($"{from}: {url} (leaves the site)");
                return;
            }

            _queue.Enqueue((from, target));
        }

        private static bool IsOtherScheme(string url) =>
            url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) || url.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase) ||
            url.StartsWith("data:", StringComparison.OrdinalIgnoreCase);

        private static IEnumerable<string> Hrefs(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name is "href" or "topicHref" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        yield return property.Value.GetString()!;
                    }
                    else
                    {
                        foreach (var nested in Hrefs(property.Value))
                        {
                            yield return nested;
                        }
                    }
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var nested in element.EnumerateArray().SelectMany(Hrefs))
                {
                    yield return nested;
                }
            }
        }

        [GeneratedRegex(@"\s(?:href|src)=""(?<url>[^""]*)""")]
        private static partial Regex LinkAttribute();

        [GeneratedRegex(@"\s(?:id|name)=""(?<id>[^""]*)""")]
        private static partial Regex IdAttribute();

        [GeneratedRegex(@"<meta name=""docfx:(?:navrel|tocrel)"" content=""(?<url>[^""]*)""")]
        private static partial Regex TocMeta();
    }
}
