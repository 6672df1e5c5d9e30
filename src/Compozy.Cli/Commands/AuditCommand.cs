using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Compozy.Cli.Configuration;
using Compozy.Data.Audit;
using Compozy.Data.Entities;
using Compozy.Data.Persistence.Conventions;
using Compozy.Data.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Cli.Commands;

/// <summary><c>compozy audit list</c>: the audit log of administrative actions.</summary>
internal static class AuditCommand
{
    public static Command Create(CliConsole console, ConfigurationFlags flags)
    {
        var audit = new Command("audit", "Read the audit log of administrative actions.");
        audit.Subcommands.Add(CreateList(console, flags));
        return audit;
    }

    private static Command CreateList(CliConsole console, ConfigurationFlags flags)
    {
        var action = new Option<string?>("--action") { Description = $"Only this action ({string.Join(", ", AuditActions.All)}).", HelpName = "ACTION" };
        var actor = new Option<string?>("--actor") { Description = "Only this actor, exactly as listed (cli:root, system, user:<id> (<email>)).", HelpName = "ACTOR" };
        var outcome = new Option<string?>("--outcome") { Description = $"Only this outcome ({string.Join(", ", StoredNames.All<AuditOutcome>())}).", HelpName = "OUTCOME" };
        var since = new Option<string?>("--since") { Description = $"Only events at or after this time: {AuditTimes.Allowed}.", HelpName = "TIME" };
        var until = new Option<string?>("--until") { Description = $"Only events before this time: {AuditTimes.Allowed}.", HelpName = "TIME" };
        var limit = new Option<string?>("--limit") { Description = string.Create(CultureInfo.InvariantCulture, $"Events per page, 1 to {PageRequest.MaxLimit} (default {PageRequest.DefaultLimit})."), HelpName = "N" };
        var after = new Option<string?>("--after") { Description = "The next_cursor printed after the previous page.", HelpName = "CURSOR" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var list = new Command("list", "List audit events, oldest first, a page at a time. Reads only; safe next to a running host.")
        {
            action, actor, outcome, since, until, limit, after, json,
        };
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            var problems = new List<string>();
            AuditOutcome? wantedOutcome = null;
            if (parseResult.GetValue(outcome) is { } outcomeText)
            {
                if (StoredNames.TryParse<AuditOutcome>(outcomeText, out var parsed))
                {
                    wantedOutcome = parsed;
                }
                else
                {
                    problems.Add($"--outcome: \"{outcomeText}\" is not allowed; allowed: {string.Join(", ", StoredNames.All<AuditOutcome>())}");
                }
            }

            var from = Time(parseResult.GetValue(since), "--since", problems);
            var to = Time(parseResult.GetValue(until), "--until", problems);
            var page = new PageRequest { After = parseResult.GetValue(after) };
            if (parseResult.GetValue(limit) is { } limitText)
            {
                if (int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var rows) && rows >= 1 && rows <= PageRequest.MaxLimit)
                {
                    page = page with { Limit = rows };
                }
                else
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"--limit: \"{limitText}\" is not allowed; allowed: an integer from 1 to {PageRequest.MaxLimit}"));
                }
            }

            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await console.Error.WriteLineAsync($"compozy: {problem}").ConfigureAwait(false);
                }

                return ExitCodes.InvalidConfiguration;
            }

            var filter = new AuditEventFilter { Action = parseResult.GetValue(action), Actor = parseResult.GetValue(actor), Outcome = wantedOutcome, Since = from, Until = to };
            return await DataCommandRunner.RunAsync(parseResult, console, flags, DatabaseAccess.Read, async (services, loaded, token) =>
            {
                Page<AuditEvent> result;
                try
                {
                    result = await services.GetRequiredService<IAuditLog>().ListAsync(filter, page, token).ConfigureAwait(false);
                }
                catch (ArgumentException exception) when (exception.ParamName == "cursor")
                {
                    await console.Error.WriteLineAsync($"compozy: --after: \"{page.After}\" is not a cursor printed by a previous page; allowed: the next_cursor of the previous page").ConfigureAwait(false);
                    return ExitCodes.InvalidConfiguration;
                }

                if (parseResult.GetValue(json))
                {
                    var document = new ListDocument(
                        result.Items.Select(e => new EventEntry(e.Id, e.OccurredAt, e.Actor, e.Action, e.Target, StoredNames.Of(e.Outcome), e.Reason, e.Details)).ToList(),
                        result.NextCursor);
                    await console.Out.WriteLineAsync(JsonSerializer.Serialize(document, CliJson.Options)).ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                await console.Out.WriteLineAsync($"{"OCCURRED AT (UTC)",-19}  {"ACTION",-20} {"OUTCOME",-9} {"ACTOR",-28} TARGET").ConfigureAwait(false);
                foreach (var e in result.Items)
                {
                    var line = string.Create(
                        CultureInfo.InvariantCulture,
                        $"{e.OccurredAt:yyyy-MM-dd HH:mm:ss}  {e.Action,-20} {StoredNames.Of(e.Outcome),-9} {e.Actor,-28} {e.Target ?? "-"}");
                    await console.Out.WriteLineAsync(e.Reason is null ? line : $"{line}  ({e.Reason})").ConfigureAwait(false);
                }

                await console.Out.WriteLineAsync(result.NextCursor is null
                    ? string.Create(CultureInfo.InvariantCulture, $"{result.Items.Count} events")
                    : string.Create(CultureInfo.InvariantCulture, $"{result.Items.Count} events; next page: --after {result.NextCursor}")).ConfigureAwait(false);
                return ExitCodes.Success;
            }, cancellationToken).ConfigureAwait(false);
        });
        return list;
    }

    private static DateTime? Time(string? value, string flag, List<string> problems)
    {
        if (value is null)
        {
            return null;
        }

        if (AuditTimes.TryParse(value, out var utc))
        {
            return utc;
        }

        problems.Add($"{flag}: \"{value}\" is not allowed; allowed: {AuditTimes.Allowed}");
        return null;
    }

    private sealed record ListDocument(IReadOnlyList<EventEntry> Items, string? NextCursor);

    private sealed record EventEntry(string Id, DateTime OccurredAt, string Actor, string Action, string? Target, string Outcome, string? Reason, JsonElement? Details);
}
