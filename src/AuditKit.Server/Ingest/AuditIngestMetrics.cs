using System.Diagnostics.Metrics;

namespace AuditKit.Server.Ingest;

/// <summary>The ingest counters of the <c>AuditKit.Server</c> meter.</summary>
internal sealed class AuditIngestMetrics
{
    /// <summary>The meter's name, for <c>dotnet-counters</c> and OpenTelemetry.</summary>
    public const string MeterName = AuditKitMeters.Server;

    private readonly Counter<long> _events;
    private readonly Histogram<int> _batchSize;

    public AuditIngestMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _events = meter.CreateCounter<long>(
            "auditkit.server.ingest.events", unit: "{event}", description: "Posted events by outcome: accepted, duplicate or rejected.");
        _batchSize = meter.CreateHistogram<int>(
            "auditkit.server.ingest.request.events", unit: "{event}", description: "Events per ingest request.");
    }

    public void Record(AuditBatchResult result)
    {
        _batchSize.Record(result.Items.Count);
        Add(result.Accepted, AuditBatchItemStatus.Accepted);
        Add(result.Duplicates, AuditBatchItemStatus.Duplicate);
        Add(result.Rejected, AuditBatchItemStatus.Rejected);
    }

    private void Add(int count, string outcome)
    {
        if (count > 0)
        {
            _events.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
