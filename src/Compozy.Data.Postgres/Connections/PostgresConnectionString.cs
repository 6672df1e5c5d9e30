using System.Globalization;
using Npgsql;

namespace Compozy.Data.Postgres.Connections;

/// <summary>
/// Parses <c>conn_string</c> in either form Compozy users write: Npgsql keywords
/// (<c>Host=db;Database=compozy</c>) or a libpq URL (<c>postgres://user:pw@db:5432/compozy?sslmode=require</c>).
/// Npgsql reads only the first; the URL form is translated here.
/// </summary>
internal static class PostgresConnectionString
{
    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says why without echoing the text (it may hold a password).</summary>
    public static bool TryParse(string text, out NpgsqlConnectionStringBuilder builder, out string? error)
    {
        builder = new NpgsqlConnectionStringBuilder();
        error = null;
        var trimmed = text.Trim();
        if (trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return TryParseUrl(trimmed, builder, out error);
        }

        try
        {
            builder.ConnectionString = trimmed;
            return true;
        }
        catch (ArgumentException exception)
        {
            error = $"is not a valid connection string ({FirstSentenceWithoutValue(exception.Message)}); " +
                "allowed: Npgsql keywords such as Host=db;Database=compozy;Username=app, or a postgres://user@host:5432/db URL";
            return false;
        }
    }

    private static bool TryParseUrl(string text, NpgsqlConnectionStringBuilder builder, out string? error)
    {
        error = null;
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal) + 3;
        var rest = text[schemeEnd..];
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
            builder.Username = Uri.UnescapeDataString(colon >= 0 ? credentials[..colon] : credentials);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(credentials[(colon + 1)..]);
            }
        }

        // Several hosts (host1:5432,host2:5433) are passed to Npgsql as they are: it accepts the same
        // list. A single host:port is split so the port is reported where operators look for it.
        authority = Uri.UnescapeDataString(authority);
        var portSeparator = authority.LastIndexOf(':');
        if (!authority.Contains(',')
            && !authority.EndsWith(']')
            && portSeparator > 0
            && int.TryParse(authority[(portSeparator + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            builder.Host = authority[..portSeparator].Trim('[', ']');
            builder.Port = port;
        }
        else if (authority.Length > 0)
        {
            builder.Host = authority;
        }

        if (database.Length > 0)
        {
            builder.Database = Uri.UnescapeDataString(database);
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals >= 0 ? pair[..equals] : pair);
            var value = Uri.UnescapeDataString(equals >= 0 ? pair[(equals + 1)..] : string.Empty);
            switch (key)
            {
                case "sslmode":
                    if (!TrySslMode(value, out var sslMode))
                    {
                        error = $"has sslmode={value} in its URL; allowed: disable, allow, prefer, require, verify-ca, verify-full";
                        return false;
                    }

                    builder.SslMode = sslMode;
                    break;
                case "connect_timeout" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds):
                    builder.Timeout = seconds;
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                case "target_session_attrs":
                    builder.TargetSessionAttributes = value;
                    break;
                default:
                    try
                    {
                        builder[key] = value;
                    }
                    catch (ArgumentException)
                    {
                        error = $"has the URL parameter '{key}', which is not a known connection setting";
                        return false;
                    }

                    break;
            }
        }

        return true;
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

    private static string FirstSentenceWithoutValue(string message)
    {
        // Npgsql's messages name the offending keyword, never its value; keep only the first sentence.
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end >= 0 ? message[..end] : message).TrimEnd('.');
    }
}
