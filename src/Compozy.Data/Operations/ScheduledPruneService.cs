using System.Data.Common;
using Compozy.Data.Audit;
using Compozy.Data.Configuration;
using Compozy.Data.Errors;
using Compozy.Data.Persistence.Conventions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Operations;

/// <summary>
/// Scheduled pruning in <c>compozy start</c>: every <c>database.retention.interval</c> (the first
/// one an interval after the start; the interval, age and statuses follow a configuration reload), a prune as <c>compozy db prune</c> runs it, logged with its
/// counts. A failure is logged as an error and the next interval tries again.
/// </summary>
internal sealed partial class ScheduledPruneService(
    IDatabasePrune prune,
    IAuditLog audit,
    RetentionOptions retention,
    IOptionsMonitor<CompozyDataOptions> live,
    TimeProvider clock,
    ILogger<ScheduledPruneService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = retention.Interval!.Value;
        var request = new PruneRequest { OlderThan = retention.OlderThan!.Value, Statuses = retention.Statuses };

        // The timer exists before the line is logged, so whoever reads the line knows the
        // schedule is running (the tests advance a fake clock on it).
        using var timer = new PeriodicTimer(interval, clock);

        using var reschedule = LivePeriod.Follow(timer, live, next => Current(next).Interval);
        var statuses = string.Join(",", request.Statuses.Select(StoredNames.Of));
        var (every, age) = (DurationFormat.FormatAge(interval), DurationFormat.FormatAge(request.OlderThan));
        LogScheduled(every, age, statuses);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var current = Current(live.CurrentValue);
                await PruneOnceAsync(new PruneRequest { OlderThan = current.OlderThan!.Value, Statuses = current.Statuses }, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the batch in progress was rolled back; the committed ones stay deleted.
        }
    }

    /// <summary>
    /// The retention settings now: the reloaded ones, or those the schedule started with where the
    /// live options have none (a host that registered the operations without them).
    /// </summary>
    private RetentionOptions Current(CompozyDataOptions options) =>
        options.Database.Retention is { Interval: not null, OlderThan: not null } reloaded ? reloaded : retention;

    private async Task PruneOnceAsync(PruneRequest request, CancellationToken stoppingToken)
    {
        DatabaseReport report;
        try
        {
            report = await audit.RunAsync(
                AuditActors.System,
                AuditActions.DatabasePrune,
                null,
                token => prune.PruneAsync(request, token),
                done => new AuditDescription(null, Facts(done, "workflows", "tasks", "usage_rows", "cutoff")),
                stoppingToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is DbException or CompozyDataException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
        {
            LogFailed(exception.Message);
            return;
        }

        LogCompleted(report["workflows"], report["tasks"], report["usage_rows"], report["batches"], report["cutoff"], report["pages_freed"] ?? "-", report["duration_ms"]);
    }

    private static Dictionary<string, string> Facts(DatabaseReport report, params string[] names) =>
        names.Where(name => report[name] is not null)
            .ToDictionary(name => name, name => Convert.ToString(report[name], System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, StringComparer.Ordinal);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "scheduled prune every {Interval}: finished workflow executions ({Statuses}) older than {OlderThan}")]
    private partial void LogScheduled(string interval, string olderThan, string statuses);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "scheduled prune completed: workflows={Workflows} tasks={Tasks} usage_rows={UsageRows} batches={Batches} cutoff={Cutoff} pages_freed={PagesFreed} duration_ms={DurationMilliseconds}")]
    private partial void LogCompleted(object? workflows, object? tasks, object? usageRows, object? batches, object? cutoff, object? pagesFreed, object? durationMilliseconds);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Error, Message = "scheduled prune failed: {Error}; batches committed before the failure stay deleted, and the next interval tries again")]
    private partial void LogFailed(string error);
}
