using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Compozy.Cli.Hosting;

/// <summary>
/// Logging for every command: one line per event on standard error (standard output is kept for
/// command results such as <c>--json</c>), UTC timestamps, EF Core and ASP.NET Core quiet unless
/// something is wrong.
/// </summary>
internal static class CliLogging
{
    public static ILoggingBuilder AddCompozyCliLogging(this ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.UseUtcTimestamp = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        logging.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);

        // A failed command or query is reported by the layer with a message an operator can act
        // on; EF's own entries repeat it with SQL text and a stack trace.
        logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None);
        logging.AddFilter("Microsoft.EntityFrameworkCore.Query", LogLevel.None);
        logging.AddFilter("Microsoft.EntityFrameworkCore.Update", LogLevel.None);

        // IHttpClientFactory logs every request and, for a failed one, a stack trace; the Qdrant
        // store reports failures itself, classified and with what to check.
        logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical);

        // "Hosting failed to start" repeats, with a stack trace, the error start reports itself.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        return logging;
    }
}
