using AuditKit.Server.Storage;
using BenchmarkDotNet.Attributes;

namespace AuditKit.Benchmarks.Server;

/// <summary>
/// The server's per-event cost of the hash chain (docs/bench-ingest.md, "Hash chain cost"): linking a batch of 1000
/// realistic events (canonical form, personal-field digests, SHA-256), against the baseline of turning the same events
/// into rows, work every insert does anyway; and of that work, the part done with the tenant's head locked
/// (<see cref="Hash"/>: the hashing of rows already prepared). Run:
/// <c>dotnet run -c Release --project bench/AuditKit.Benchmarks -- --filter '*AuditChainBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class AuditChainBenchmarks
{
    private const int BatchSize = 1000;
    private AuditEvent[] _events = [];
    private AuditEventRow[] _rows = [];
    private AuditChainBatch? _prepared;

    [GlobalSetup]
    public void Setup()
    {
        var at = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        _events = [.. Enumerable.Range(0, BatchSize).Select(i => Event(i, at.AddMilliseconds(i)))];
        _rows = [.. _events.Select(e => AuditEventRow.From("bench-tenant", e, at))];
        _prepared = AuditChainBatch.Prepare(_rows);
    }

    /// <summary>Baseline: the rows an insert builds from its events.</summary>
    [Benchmark(Baseline = true)]
    public int Rows()
    {
        var rows = new AuditEventRow[_events.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = AuditEventRow.From("bench-tenant", _events[i], _events[i].Timestamp);
        }

        return rows.Length;
    }

    /// <summary>The chain's work on those rows: seq, salt, canonical form, digests and hash of each.</summary>
    [Benchmark]
    public long Link()
    {
        foreach (var row in _rows)
        {
            row.Salt = null;
        }

        return AuditChainBatch.Prepare(_rows).Link((0, new byte[AuditEventCanonicalForm.HashLength])).Seq;
    }

    /// <summary>The part of <see cref="Link"/> an insert does with its tenant's head locked: seq and hash of prepared rows.</summary>
    [Benchmark]
    public long Hash() => _prepared!.Link((0, new byte[AuditEventCanonicalForm.HashLength])).Seq;

    private static AuditEvent Event(int i, DateTimeOffset at)
    {
        var update = i % 4 == 0;
        return new AuditEvent
        {
            Id = Guid.CreateVersion7(at),
            Timestamp = at,
            Source = AuditSources.Http,
            Action = update ? AuditActions.Update : AuditActions.Read,
            ResourceType = "Customer",
            ResourceId = (i % 5000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            UserId = "user-" + (i % 200).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Username = "user" + (i % 200).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Status = AuditStatus.Success,
            Severity = AuditSeverity.Low,
            ServiceName = "billing-api",
            Method = update ? "PUT" : "GET",
            Path = "/api/customers/" + (i % 5000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Route = "/api/customers/{id}",
            StatusCode = 200,
            DurationMs = 12.5 + (i % 7),
            IpAddress = "10.0." + (i % 250).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".7",
            UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
            RequestId = "req-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
            Changes = update ? [new AuditChange { Property = "Status", Old = "active", New = "blocked" }] : null,
            Metadata = new System.Text.Json.Nodes.JsonObject { ["region"] = "eu-west", ["attempt"] = 1 },
            Tags = ["pii", "billing"],
        };
    }
}
