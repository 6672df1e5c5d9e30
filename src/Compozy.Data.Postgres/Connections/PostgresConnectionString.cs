using System.Data.Common;
using System.Globalization;
using Npgsql;

namespace Compozy.Data.Postgres.Connections;

/// <summary>
/// Applies <c>conn_string</c> onto a connection string builder, in either form Compozy users
/// write: Npgsql keywords (<c>Host=db;Database=compozy</c>) or a libpq URL
/// (<c>postgres://user:pw@db:5432/compozy?sslmode=require</c>). Npgsql reads only the first;
/// the URL form is translated here.
/// </summary>
/// <remarks>
/// Error messages never quote any part of the text: a malformed string (an unquoted <c>;</c>, an
/// unencoded <c>/</c> or <c>?</c> in a password) puts pieces of the password where a keyword, host
/// or parameter name is expected.
/// </remarks>
internal static class PostgresConnectionString
{
    private const string Forms =
        "allowed: Npgsql keywords such as Host=db;Database=compozy;Username=app (quote values that contain ;), " +
        "or a postgres://user:password@host:5432/database URL with special characters in the password percent-encoded";

    /// <summary>Applies every setting <paramref name="text"/> names onto <paramref name="target"/>.</summary>
    public static bool TryApply(string text, NpgsqlConnectionStringBuilder target, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(target);
        var trimmed = text.Trim();
        return trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            ? TryApplyUrl(trimmed, target, out error)
            : TryApplyKeywords(trimmed, target, out error);
    }

    /// <summary>Maps Compozy's (libpq's) SSL mode names to Npgsql's.</summary>
    public static bool TrySslMode(string value, out SslMode mode)
    {
        (var known, mode) = value.ToLowerInvariant() switch
        {
            "disable" => (true, SslMode.Disable),
            "allow" => (true, SslMode.Allow),
            "prefer" => (true, SslMode.Prefer),
            "require" => (true, SslMode.Require),
            "verify-ca" => (true, SslMode.VerifyCA),
            "verify-full" => (true, SslMode.VerifyFull),
            _ => (false, SslMode.Prefer),
        };
        return known;
    }

    /// <summary>Compozy's (libpq's) name of an SSL mode.</summary>
    public static string SslModeName(SslMode mode) => mode switch
    {
        SslMode.Disable => "disable",
        SslMode.Allow => "allow",
        SslMode.Prefer => "prefer",
        SslMode.Require => "require",
        SslMode.VerifyCA => "verify-ca",
        SslMode.VerifyFull => "verify-full",
        _ => mode.ToString().ToLowerInvariant(),
    };

    private static bool TryApplyKeywords(string text, NpgsqlConnectionStringBuilder target, out string? error)
    {
        error = null;
        DbConnectionStringBuilder parsed;
        try
        {
            parsed = new DbConnectionStringBuilder { ConnectionString = text };
        }
        catch (ArgumentException)
        {
            error = $"is not a valid connection string; {Forms}";
            return false;
        }

        foreach (string keyword in parsed.Keys)
        {
            try
            {
                target[keyword] = parsed[keyword];
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidCastException)
            {
                error = $"has a keyword Npgsql does not accept, or a value of the wrong type; {Forms}";
                return false;
            }
        }

        return true;
    }

    private static bool TryApplyUrl(string text, NpgsqlConnectionStringBuilder target, out string? error)
    {
        error = null;
        var rest = text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var queryStart = rest.IndexOf('?', StringComparison.Ordinal);
        var query = queryStart >= 0 ? rest[(queryStart + 1)..] : string.Empty;
        rest = queryStart >= 0 ? rest[..queryStart] : rest;
        var pathStart = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = pathStart >= 0 ? rest[..pathStart] : rest;
        var database = pathStart >= 0 ? rest[(pathStart + 1)..] : string.Empty;

        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var credentials = authority[..at];
            authority = authority[(at + 1)..];
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            target.Username = Uri.UnescapeDataString(colon >= 0 ? credentials[..colon] : credentials);
            if (colon >= 0)
            {
                target.Password = Uri.UnescapeDataString(credentials[(colon + 1)..]);
            }
        }

        // Several hosts (host1:5432,host2:5433) are passed to Npgsql as they are: it accepts the same
        // list. A single host:port is split so the port is reported where operators look for it.
        authority = Uri.UnescapeDataString(authority);
        var portSeparator = authority.LastIndexOf(':');
        if (!authority.Contains(',')
            && !authority.EndsWith(']')
            && portSeparator > 0
            && int.TryParse(authority[(portSeparator + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is > 0 and <= 65535)
        {
            target.Host = authority[..portSeparator].Trim('[', ']');
            target.Port = port;
        }
        else if (authority.Length > 0)
        {
            target.Host = authority;
        }

        if (database.Length > 0)
        {
            target.Database = Uri.UnescapeDataString(database);
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals >= 0 ? pair[..equals] : pair);
            var value = Uri.UnescapeDataString(equals >= 0 ? pair[(equals + 1)..] : string.Empty);
            try
            {
                switch (key)
                {
                    case "sslmode":
                        if (!TrySslMode(value, out var sslMode))
                        {
                            error = "has an sslmode in its URL that is not supported; allowed: disable, allow, prefer, require, verify-ca, verify-full";
                            return false;
                        }

                        target.SslMode = sslMode;
                        break;
                    case "connect_timeout":
                        target.Timeout = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                        break;
                    case "application_name":
                        target.ApplicationName = value;
                        break;
                    case "target_session_attrs":
                        target.TargetSessionAttributes = value;
                        break;
                    default:
                        target[key] = value;
                        break;
                }
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidCastException or OverflowException)
            {
                error = "has a URL parameter that is not a connection setting, or a value of the wrong type " +
                    "(names are not shown: in a malformed URL they can hold part of the password); " +
                    "allowed parameters: sslmode, connect_timeout, application_name, target_session_attrs, or any Npgsql keyword";
                return false;
            }
        }

        return true;
    }
}
