using System.Diagnostics.Metrics;

namespace AuditKit.Delivery;

/// <summary>
/// The file sink's counters on meter <c>AuditKit.FileSink</c>: every event is counted once as enqueued and, in the
/// end, once as written or dropped; rotated counts the files rotated on the way.
/// </summary>
internal sealed class AuditFileSinkMetrics
{
    public const string MeterName = "AuditKit.FileSink";

    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _written;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _rotated;

    public AuditFileSinkMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _enqueued = meter.CreateCounter<long>("auditkit.file_sink.enqueued", "{event}", "Events accepted by the file sink.");
        _written = meter.CreateCounter<long>("auditkit.file_sink.written", "{event}", "Events appended to the audit file.");
        _dropped = meter.CreateCounter<long>("auditkit.file_sink.dropped", "{event}", "Events lost (tag reason): channel full, file unwritable, or written after shutdown.");
        _rotated = meter.CreateCounter<long>("auditkit.file_sink.rotated", "{file}", "Audit files rotated because they reached their size limit.");
    }

    public void Enqueued() => _enqueued.Add(1);

    public void Written(int events) => _written.Add(events);

    public void Dropped(int events, string reason) => _dropped.Add(events, new KeyValuePair<string, object?>("reason", reason));

    public void Rotated() => _rotated.Add(1);
}
