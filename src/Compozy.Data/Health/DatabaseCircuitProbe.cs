using Compozy.Data.Errors;
using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Compozy.Data.Health;

/// <summary>
/// While <see cref="DatabaseCircuit"/> is open, tries to connect every probe interval on the
/// registered clock, and closes it at the first success. A database lost for good
/// (<see cref="DatabaseFault"/>) keeps it open: reaching a file that is not the one the host
/// wrote to is no recovery.
/// </summary>
internal sealed class DatabaseCircuitProbe(
    DatabaseCircuit circuit,
    IDbContextFactory<CompozyDbContext> contexts,
    DbErrorTranslator translator,
    DatabaseFault fault,
    TimeProvider clock) : BackgroundService
{
    /// <summary>The longest one probe may take, beyond the provider's own connect timeout.</summary>
    private static readonly TimeSpan LongestProbe = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await circuit.WaitUntilOpenAsync(stoppingToken).ConfigureAwait(false);
                while (circuit.IsOpen)
                {
                    await Task.Delay(circuit.ProbeInterval, clock, stoppingToken).ConfigureAwait(false);
                    await ProbeOnceAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    private async Task ProbeOnceAsync(CancellationToken stoppingToken)
    {
        if (fault.Reason is { } lost)
        {
            circuit.ProbeFailed(lost);
            return;
        }

        using var deadline = new CancellationTokenSource(LongestProbe, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, deadline.Token);
        string? failure;
        try
        {
            var context = await contexts.CreateDbContextAsync(linked.Token).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                failure = await context.Database.CanConnectAsync(linked.Token).ConfigureAwait(false) ? null : "the database cannot be reached";
            }
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            failure = translator.Translate(exception, "probe", stoppingToken)?.Message ?? $"probe: {exception.GetType().Name}";
        }

        if (failure is null && fault.Reason is null)
        {
            circuit.Close();
        }
        else
        {
            circuit.ProbeFailed(failure ?? fault.Reason!);
        }
    }
}
