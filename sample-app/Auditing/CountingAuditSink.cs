namespace AuditKit.SampleApp.Auditing;

/// <summary>An in-process <see cref="IAuditSink"/> that counts events and keeps none (<c>SampleApp:Auditing=InMemory</c>).</summary>
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
