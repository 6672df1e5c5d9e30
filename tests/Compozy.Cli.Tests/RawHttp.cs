using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Compozy.Cli.Tests;

/// <summary>
/// Sends an HTTP/1.1 request byte for byte over a socket, for what HttpClient would correct
/// before sending: a request target with an invalid escape or '..' steps, a malformed request
/// line. Reads the answer until the server closes the connection.
/// </summary>
internal static class RawHttp
{
    public static async Task<RawAnswer> SendAsync(Uri server, string requestLine, string? apiKey = null, string? body = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        await using var stream = client.GetStream();
        var request = new StringBuilder(requestLine).Append("\r\n");
        request.Append(CultureInfo.InvariantCulture, $"Host: {server.Authority}\r\n");
        request.Append("Connection: close\r\n");
        if (apiKey is not null)
        {
            request.Append(CultureInfo.InvariantCulture, $"Authorization: Bearer {apiKey}\r\n");
        }

        var content = Encoding.UTF8.GetBytes(body ?? string.Empty);
        request.Append(CultureInfo.InvariantCulture, $"Content-Length: {content.Length}\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()));
        await stream.WriteAsync(content);

        using var answer = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await stream.CopyToAsync(answer, timeout.Token);
        var text = Encoding.UTF8.GetString(answer.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        var status = int.Parse(head.Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = head.Split("\r\n").Skip(1)
            .Select(line => line.Split(':', 2))
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.OrdinalIgnoreCase);
        return new RawAnswer(status, headers, split < 0 ? string.Empty : Dechunk(text[(split + 4)..], headers));
    }

    private static string Dechunk(string body, Dictionary<string, string> headers)
    {
        if (!headers.TryGetValue("Transfer-Encoding", out var encoding) || !encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            return body;
        }

        var result = new StringBuilder();
        var position = 0;
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = int.Parse(body[position..lineEnd], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return result.ToString();
            }

            // Sizes count bytes; the bodies here are ASCII JSON, so bytes and characters agree.
            result.Append(body, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }
    }

    internal sealed record RawAnswer(int Status, IReadOnlyDictionary<string, string> Headers, string Body);
}
