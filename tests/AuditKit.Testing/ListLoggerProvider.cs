using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AuditKit.Testing;

/// <summary>Keeps every log entry so tests can assert on what an operator would see.</summary>
public sealed class ListLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LoggedEntry> _entries = new();

    public IReadOnlyCollection<LoggedEntry> Entries => _entries;

    public void Clear() => _entries.Clear();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(ListLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(static p => $"{p.Key}={p.Value}"))
                : string.Empty;
            owner._entries.Enqueue(new LoggedEntry(logLevel, eventId, message, $"{message} {values} {exception}"));
        }
    }
}

/// <summary>
/// One entry a <see cref="ListLoggerProvider"/> kept: its level, event id and message, and as <paramref name="Text"/>
/// everything it wrote (the message, its structured values and its exception).
/// </summary>
public sealed record LoggedEntry(LogLevel Level, EventId Id, string Message, string Text);
