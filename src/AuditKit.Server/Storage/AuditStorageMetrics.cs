using System.Diagnostics.Metrics;

namespace AuditKit.Server.Storage;

/// <summary>
/// Counters of the stores (meter <c>AuditKit.Server.Storage</c>): events stored, duplicates skipped, and how long a
/// batch takes to write, tagged with the provider; and the reads sent to the primary because the read replica was
/// unreachable or too far behind (<c>auditkit.storage.read_fallbacks</c>, tagged with the reason); the partitions
/// analyzed for tenants new to their statistics (<c>auditkit.storage.partition_analyzes</c>, by outcome).
/// </summary>
internal sealed class AuditStorageMetrics
{
    public const string MeterName = "AuditKit.Server.Storage";

    private readonly Counter<long> _stored;
    private readonly Counter<long> _duplicates;
    private readonly Histogram<double> _batchDuration;
    private readonly Counter<long> _purged;
    private readonly Counter<long> _readFallbacks;
    private readonly Counter<long> _partitionAnalyzes;

    public AuditStorageMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _stored = meter.CreateCounter<long>("auditkit.storage.events.stored", "{event}", "Events written to the store.");
        _duplicates = meter.CreateCounter<long>("auditkit.storage.events.duplicates", "{event}", "Events not written because their (tenant, id) was already stored or repeated in the batch.");
        _batchDuration = meter.CreateHistogram<double>("auditkit.storage.batch.duration", "s", "Time to write one batch, transaction included.");
        _readFallbacks = meter.CreateCounter<long>(
            "auditkit.storage.read_fallbacks", "{read}", "Reads meant for the read replica that went to the primary because the replica was unreachable, too far behind or not a standby.");
        _partitionAnalyzes = meter.CreateCounter<long>(
            "auditkit.storage.partition_analyzes", "{partition}",
            "ANALYZE requests for a time partition of audit_events that tenants new to its statistics wrote into, by outcome (analyzed, skipped, failed, dropped).");
        _purged = meter.CreateCounter<long>("auditkit.storage.events.purged", "{event}", "Events deleted by the retention job because they were older than their tenant's retention.");
    }

    public void BatchWritten(AuditStorageProvider provider, int stored, int duplicates, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("auditkit.storage.provider", provider == AuditStorageProvider.Postgres ? "postgresql" : "sqlite");
        _stored.Add(stored, tag);
        _duplicates.Add(duplicates, tag);
        _batchDuration.Record(elapsed.TotalSeconds, tag);
    }

    /// <summary>Counts a request to analyze a partition for tenants new to its statistics, and its outcome.</summary>
    public void PartitionAnalyzed(string outcome, long count) =>
        _partitionAnalyzes.Add(count, new KeyValuePair<string, object?>("auditkit.storage.outcome", outcome));

    public void Purged(long events) => _purged.Add(events);

    /// <summary>Counts one read sent to the primary instead of the read replica, and why.</summary>
    public void ReadFellBack(ReadReplicaState reason) =>
        _readFallbacks.Add(1, new KeyValuePair<string, object?>("auditkit.storage.reason", reason switch
        {
            ReadReplicaState.Unreachable => "unreachable",
            ReadReplicaState.Lagging => "lagging",
            _ => "not_standby",
        }));
}
