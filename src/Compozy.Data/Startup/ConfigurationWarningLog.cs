using Compozy.Data.Configuration;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Startup;

/// <summary>Logs configuration warnings the same way wherever a command or host starts.</summary>
public static partial class ConfigurationWarningLog
{
    /// <summary>Logs each warning as one line: <c>configuration: key: message (from source)</c>.</summary>
    public static void LogConfigurationWarnings(this ILogger logger, IEnumerable<ConfigurationProblem> warnings)
    {
        ArgumentNullException.ThrowIfNull(warnings);
        foreach (var warning in warnings)
        {
            Warning(logger, warning.ToString());
        }
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning, Message = "configuration: {Warning}")]
    private static partial void Warning(ILogger logger, string warning);
}
