using System.Diagnostics.Metrics;

namespace AuditKit.Delivery;

/// <summary>
/// The pipeline's counters on meter <c>AuditKit.Delivery</c>: every event is counted once as enqueued and, in the
/// end, once as sent, rejected or dropped; retried and spooled count what happened on the way.
/// </summary>
internal sealed class AuditDeliveryMetrics
{
    public const string MeterName = "AuditKit.Delivery";

    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _spooled;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _rejected;
    private long _lost;

    public AuditDeliveryMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _enqueued = meter.CreateCounter<long>("auditkit.delivery.enqueued", "{event}", "Events accepted by the sink.");
        _sent = meter.CreateCounter<long>("auditkit.delivery.sent", "{event}", "Events the server acknowledged (stored now or before).");
        _retried = meter.CreateCounter<long>("auditkit.delivery.retried", "{attempt}", "HTTP attempts retried after a transient failure.");
        _spooled = meter.CreateCounter<long>("auditkit.delivery.spooled", "{event}", "Events written to the durable spool.");
        _dropped = meter.CreateCounter<long>("auditkit.delivery.dropped", "{event}", "Events lost (tag reason): channel full, spool cap reached, spool unwritable (disk full), or written after shutdown.");
        _rejected = meter.CreateCounter<long>("auditkit.delivery.rejected", "{event}", "Events refused as invalid and written to the dead-letter file.");
    }

    public void Enqueued() => _enqueued.Add(1);

    public void Sent(int events) => _sent.Add(events);

    public void Retried() => _retried.Add(1);

    public void Spooled(int events) => _spooled.Add(events);

    /// <summary>Events lost while the pipeline ran (everything dropped except what was written after shutdown).</summary>
    public long LostEvents => Interlocked.Read(ref _lost);

    public void Dropped(int events, string reason)
    {
        if (reason != AuditDropReasons.ShutDown)
        {
            Interlocked.Add(ref _lost, events);
        }

        _dropped.Add(events, new KeyValuePair<string, object?>("reason", reason));
    }

    public void Rejected(int events) => _rejected.Add(events);
}
