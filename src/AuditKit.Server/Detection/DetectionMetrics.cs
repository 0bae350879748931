using System.Diagnostics.Metrics;

namespace AuditKit.Server.Detection;

/// <summary>The detection instruments of the <c>AuditKit.Server</c> meter.</summary>
internal sealed class DetectionMetrics
{
    private readonly Counter<long> _events;
    private readonly Counter<long> _alerts;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _passDuration;
    private readonly Histogram<double> _lag;
    private readonly Counter<long> _swept;

    public DetectionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(AuditKitMeters.Server);
        _events = meter.CreateCounter<long>("auditkit.server.detection.events", unit: "{event}", description: "Stored events evaluated by the detection rules.");
        _alerts = meter.CreateCounter<long>("auditkit.server.detection.alerts", unit: "{alert}", description: "Alerts raised or updated, by rule and outcome (opened / updated).");
        _failures = meter.CreateCounter<long>("auditkit.server.detection.failures", unit: "{pass}", description: "Evaluation passes that failed (retried, then given up).");
        _passDuration = meter.CreateHistogram<double>("auditkit.server.detection.pass.duration", unit: "ms", description: "Duration of one evaluation pass.");
        _lag = meter.CreateHistogram<double>("auditkit.server.detection.lag", unit: "ms", description: "Time from a batch's commit to the end of its evaluation.");
        _swept = meter.CreateCounter<long>("auditkit.server.detection.swept", unit: "{batch}", description: "Stored batches evaluated by the outbox sweep (left behind by a stopped process, or whose pass failed).");
    }

    public void Evaluated(int events, double durationMs)
    {
        _events.Add(events);
        _passDuration.Record(durationMs);
    }

    public void Lag(double milliseconds) => _lag.Record(milliseconds);

    public void Alert(string rule, bool opened) =>
        _alerts.Add(1, new KeyValuePair<string, object?>("rule", rule), new KeyValuePair<string, object?>("outcome", opened ? "opened" : "updated"));

    public void Failed() => _failures.Add(1);

    public void Swept(int batches) => _swept.Add(batches);
}
