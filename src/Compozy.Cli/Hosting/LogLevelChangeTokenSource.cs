using Compozy.Cli.Configuration;
using Compozy.Data.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Compozy.Cli.Hosting;

/// <summary>
/// Tells the logger factory's filter options that <c>server.log_level</c> may have changed, when
/// a configuration reload publishes new server options: the factory then reads the filter options
/// again, and with them the level.
/// </summary>
internal sealed class LogLevelChangeTokenSource(LiveOptions<ServerOptions> server) : IOptionsChangeTokenSource<LoggerFilterOptions>
{
    public string Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => server.GetChangeToken();
}
