using System.Diagnostics.Metrics;

namespace AuditKit.EfCore;

/// <summary>The interceptor's counters, on the <c>AuditKit.EfCore</c> meter.</summary>
internal sealed class EfCoreAuditMetrics
{
    public const string MeterName = "AuditKit.EfCore";

    private readonly Counter<long> _emitted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _discarded;
    private readonly Counter<long> _errors;

    public EfCoreAuditMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _emitted = meter.CreateCounter<long>("auditkit.efcore.events.emitted", "{event}", "Events handed to the audit sink.");
        _rejected = meter.CreateCounter<long>("auditkit.efcore.events.rejected", "{event}", "Events the audit sink refused.");
        _discarded = meter.CreateCounter<long>("auditkit.efcore.events.discarded", "{event}", "Events dropped because their transaction did not commit.");
        _errors = meter.CreateCounter<long>("auditkit.efcore.errors", "{error}", "Failures to capture or build events.");
    }

    public void Emitted(int count) => _emitted.Add(count);

    public void Rejected(int count) => _rejected.Add(count);

    public void Discarded(int count) => _discarded.Add(count);

    public void Error() => _errors.Add(1);
}
