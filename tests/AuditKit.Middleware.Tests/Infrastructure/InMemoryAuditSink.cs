using System.Collections.Concurrent;

namespace AuditKit.Middleware.Tests.Infrastructure;

/// <summary>A real <see cref="IAuditSink"/> that keeps events in memory; it can be told to refuse or to throw.</summary>
public sealed class InMemoryAuditSink : IAuditSink
{
    private readonly ConcurrentQueue<AuditEvent> _events = new();

    public bool Refuse { get; set; }

    public bool Throw { get; set; }

    public int Attempts => _attempts;

    private int _attempts;

    public IReadOnlyList<AuditEvent> Events => [.. _events];

    public bool TryWrite(AuditEvent auditEvent)
    {
        Interlocked.Increment(ref _attempts);
        if (Throw)
        {
            throw new InvalidOperationException("The audit sink is broken.");
        }

        if (Refuse)
        {
            return false;
        }

        _events.Enqueue(auditEvent);
        return true;
    }

    public void Clear() => _events.Clear();
}
