using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Testing;

/// <summary>A logger provider that keeps every formatted message, so tests can assert on log lines.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, EventId Event, string Message)> _entries = new();

    /// <summary>Every message so far, as <c>level category[event]: message</c>.</summary>
    public IReadOnlyList<string> Lines => _entries.Select(entry => $"{entry.Level} {entry.Category}[{entry.Event.Id}]: {entry.Message}").ToList();

    /// <summary>Messages containing <paramref name="text"/>.</summary>
    public IReadOnlyList<string> Containing(string text) => Lines.Where(line => line.Contains(text, StringComparison.Ordinal)).ToList();

    /// <summary>Waits until a message contains <paramref name="text"/>.</summary>
    public async Task<string> WaitForAsync(string text, TimeSpan timeout)
    {
        await Poll.UntilAsync(() => Containing(text).Count > 0, $"a log line containing \"{text}\" (logged:\n{string.Join('\n', Lines)})", timeout);
        return Containing(text)[0];
    }

    /// <summary>Waits until <paramref name="count"/> messages contain <paramref name="text"/>.</summary>
    public Task WaitForCountAsync(string text, int count, TimeSpan timeout) =>
        Poll.UntilAsync(() => Containing(text).Count >= count, $"{count} log lines containing \"{text}\" (logged:\n{string.Join('\n', Lines)})", timeout);

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, EventId, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((category, logLevel, eventId, formatter(state, exception)));
    }
}
