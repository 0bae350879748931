namespace AuditKit.Benchmarks.EfCore;

/// <summary>A sink that only counts, so a benchmark measures how events are made, not how they are delivered.</summary>
public sealed class CountingAuditSink : IAuditSink
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public bool TryWrite(AuditEvent auditEvent)
    {
        Interlocked.Increment(ref _count);
        return true;
    }
}
