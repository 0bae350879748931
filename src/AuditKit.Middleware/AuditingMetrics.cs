using System.Diagnostics.Metrics;

namespace AuditKit.Middleware;

/// <summary>
/// The middleware's counters (meter <c>AuditKit.Middleware</c>): events handed to the sink, refused by it, lost to a
/// failure, and successful reads sampled away.
/// </summary>
internal sealed class AuditingMetrics
{
    public const string MeterName = "AuditKit.Middleware";

    private readonly Counter<long> _written;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _sampledOut;

    public AuditingMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _written = meter.CreateCounter<long>("auditkit.middleware.events.written", "{event}", "Audit events handed to the sink.");
        _rejected = meter.CreateCounter<long>("auditkit.middleware.events.rejected", "{event}", "Audit events the sink did not take (full or shut down).");
        _failed = meter.CreateCounter<long>("auditkit.middleware.events.failed", "{event}", "Audit events lost because recording or the sink threw.");
        _sampledOut = meter.CreateCounter<long>("auditkit.middleware.events.sampled_out", "{event}", "Successful reads not recorded because of sampling.");
    }

    public void Written(string source) => _written.Add(1, new KeyValuePair<string, object?>("auditkit.source", source));

    public void Rejected(string source) => _rejected.Add(1, new KeyValuePair<string, object?>("auditkit.source", source));

    public void Failed(string source) => _failed.Add(1, new KeyValuePair<string, object?>("auditkit.source", source));

    public void SampledOut() => _sampledOut.Add(1);
}
