using YamlDotNet.Core;

namespace Compozy.Data.Configuration;

/// <summary>A YAML document that parses but goes past a <see cref="ConfigurationFileLimits"/> bound, at the event that did.</summary>
internal sealed class YamlLimitException : YamlException
{
    public YamlLimitException(in Mark start, in Mark end, string message)
        : base(start, end, message)
    {
    }

    public YamlLimitException()
        : base("the YAML document goes past a configuration file limit")
    {
    }

    public YamlLimitException(string message)
        : base(message)
    {
    }

    public YamlLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
