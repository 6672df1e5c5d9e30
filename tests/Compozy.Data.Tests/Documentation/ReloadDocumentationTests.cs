using System.Text.RegularExpressions;
using Compozy.Cli.Configuration;
using Compozy.Data.Configuration;

namespace Compozy.Data.Tests.Documentation;

/// <summary>
/// The "Reloading the configuration" section of the configuration reference agrees with the code:
/// its list of live keys is exactly the catalog's keys that are not <see cref="ConfigurationReload.Restart"/>, those live only once set marked so,
/// and it documents every event the reload logs.
/// </summary>
public sealed partial class ReloadDocumentationTests
{
    private const string Page = "docs/configuration/database.md";
    private const string Heading = "## Reloading the configuration";
    private const string ReloadSources = "src/Compozy.Cli/Hosting";

    [Fact]
    public void The_live_keys_list_names_exactly_the_keys_marked_live()
    {
        var documented = LiveKeyRow().Matches(Section()).Select(match => match.Groups["key"].Value + match.Groups["once"].Value).ToList();
        var live = ConfigurationLoader.Keys(new ConfigurationInputs(null, [], _ => null, ReadServer: true))
            .Where(key => key.Reload != ConfigurationReload.Restart)
            .Select(key => key.Reload == ConfigurationReload.LiveOnceSet ? $"{key.Path} (once set)" : key.Path);

        documented.ShouldNotBeEmpty();
        documented.ShouldBe(live, ignoreOrder: true, $"the live keys of {Page}#reloading-the-configuration and the catalog differ");
    }

    [Fact]
    public void Every_event_the_reload_logs_is_in_the_events_table()
    {
        var section = Section();
        var events = Directory.EnumerateFiles(Path.Combine(DocumentationSource.RepositoryRoot, ReloadSources), "ConfigurationReload*.cs")
            .SelectMany(file => EventId().Matches(File.ReadAllText(file)).Select(match => match.Groups["id"].Value))
            .ToList();

        events.Count.ShouldBeGreaterThanOrEqualTo(4);
        foreach (var id in events)
        {
            section.ShouldContain($"| {id} |", customMessage: $"event {id} of the configuration reload is not in the events table of {Page}");
        }
    }

    private static string Section()
    {
        var page = DocumentationSource.ReadText(Page);
        var start = page.IndexOf(Heading, StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, $"{Page} has no \"{Heading}\" section");
        var end = page.IndexOf("\n## ", start + Heading.Length, StringComparison.Ordinal);
        return end < 0 ? page[start..] : page[start..end];
    }

    [GeneratedRegex(@"^- `(?<key>[a-z_.]+)`(?<once> \(once set\))?: ", RegexOptions.Multiline)]
    private static partial Regex LiveKeyRow();

    [GeneratedRegex(@"EventId = (?<id>\d+)")]
    private static partial Regex EventId();
}
