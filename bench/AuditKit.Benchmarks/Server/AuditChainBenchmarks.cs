using System.Security.Cryptography;
using AuditKit.LoadTool;
using AuditKit.Server.Storage;
using BenchmarkDotNet.Attributes;

namespace AuditKit.Benchmarks.Server;

/// <summary>
/// The server's per-event cost of the hash chain (docs/bench-ingest.md, "Hash chain cost"): linking a batch of 1000
/// realistic events (canonical form, personal-field digests, SHA-256), against the baseline of turning the same events
/// into rows, work every insert does anyway; and, to see where the chain's time goes, its parts measured on their
/// own: <see cref="Prepare"/> (salts and canonical bytes, before the head lock), <see cref="Hash"/> (the part done
/// with the tenant's head locked), <see cref="Sha256"/> (a plain SHA-256 of the same bytes, the floor),
/// <see cref="Salts"/>, and <see cref="PrepareWithoutJson"/> / <see cref="PrepareWithoutPersonal"/> (the same rows
/// with their JSON fields, or their personal fields, left out). <see cref="Shape"/> <c>load</c> is the load tool's
/// events (bench/AuditKit.LoadTool/LoadEvents.cs); <c>rich</c> adds a user agent, metadata and tags to every event.
/// Run: <c>dotnet run -c Release --project bench/AuditKit.Benchmarks -- --filter '*AuditChainBenchmarks*' --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class AuditChainBenchmarks
{
    private const int BatchSize = 1000;
    private AuditEvent[] _events = [];
    private AuditEventRow[] _rows = [];
    private AuditEventRow[] _rowsWithoutJson = [];
    private AuditEventRow[] _rowsWithoutPersonal = [];
    private byte[][] _canonical = [];
    private AuditChainBatch? _prepared;

    /// <summary>The events' shape: <c>load</c> (the load tool's) or <c>rich</c> (with user agent, metadata and tags).</summary>
    [Params("load", "rich")]
    public string Shape { get; set; } = "load";

    [GlobalSetup]
    public void Setup()
    {
        var at = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        var source = new LoadEvents(seed: 15);
        _events = [.. Enumerable.Range(0, BatchSize).Select(i => Shape == "rich" ? Enrich(source.Next(at.AddMilliseconds(i)), i) : source.Next(at.AddMilliseconds(i)))];
        _rows = [.. _events.Select(e => AuditEventRow.From("bench-tenant", e, at))];
        _rowsWithoutJson = [.. _events.Select(e => AuditEventRow.From("bench-tenant", e, at))];
        foreach (var row in _rowsWithoutJson)
        {
            row.Changes = row.OldValues = row.NewValues = row.Metadata = row.Tags = null;
        }

        _rowsWithoutPersonal = [.. _events.Select(e => AuditEventRow.From("bench-tenant", e, at))];
        foreach (var row in _rowsWithoutPersonal)
        {
            row.UserId = row.Username = row.UserEmail = row.IpAddress = row.UserAgent = null;
        }

        _prepared = AuditChainBatch.Prepare(_rows);
        _canonical = [.. _rows.Select(r => AuditEventCanonicalForm.Encode(r))];
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
    public long Link() => AuditChainBatch.Prepare(Unsalted(_rows)).Link((0, new byte[AuditEventCanonicalForm.HashLength])).Seq;

    /// <summary>The part of <see cref="Link"/> before the head lock: salts and canonical bytes.</summary>
    [Benchmark]
    public object Prepare() => AuditChainBatch.Prepare(Unsalted(_rows));

    /// <summary>The part of <see cref="Link"/> an insert does with its tenant's head locked: seq and hash of prepared rows.</summary>
    [Benchmark]
    public long Hash() => _prepared!.Link((0, new byte[AuditEventCanonicalForm.HashLength])).Seq;

    /// <summary>The floor: one plain SHA-256 of each row's canonical bytes.</summary>
    [Benchmark]
    public int Sha256()
    {
        Span<byte> hash = stackalloc byte[32];
        var sum = 0;
        foreach (var bytes in _canonical)
        {
            SHA256.HashData(bytes, hash);
            sum += hash[0];
        }

        return sum;
    }

    /// <summary>The same SHA-256s as <see cref="Sha256"/> from one reused <see cref="IncrementalHash"/> instead of one-shot calls.</summary>
    [Benchmark]
    public int Sha256Reused()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> hash = stackalloc byte[32];
        var sum = 0;
        foreach (var bytes in _canonical)
        {
            sha.AppendData(bytes);
            sha.GetHashAndReset(hash);
            sum += hash[0];
        }

        return sum;
    }

    /// <summary>16 random bytes for each row of the batch, one call each (as the rows' salts were drawn before).</summary>
    [Benchmark]
    public int Salts()
    {
        var sum = 0;
        for (var i = 0; i < BatchSize; i++)
        {
            sum += RandomNumberGenerator.GetBytes(AuditEventCanonicalForm.SaltLength)[0];
        }

        return sum;
    }

    /// <summary><see cref="Prepare"/> of the same rows without their JSON fields (changes, values, metadata, tags).</summary>
    [Benchmark]
    public object PrepareWithoutJson() => AuditChainBatch.Prepare(Unsalted(_rowsWithoutJson));

    /// <summary><see cref="Prepare"/> of the same rows without their personal fields (no digests).</summary>
    [Benchmark]
    public object PrepareWithoutPersonal() => AuditChainBatch.Prepare(Unsalted(_rowsWithoutPersonal));

    private static AuditEventRow[] Unsalted(AuditEventRow[] rows)
    {
        foreach (var row in rows)
        {
            row.Salt = null;
        }

        return rows;
    }

    private static AuditEvent Enrich(AuditEvent auditEvent, int i)
    {
        auditEvent.Username = "user" + auditEvent.UserId;
        auditEvent.UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
        auditEvent.RequestId = "req-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        auditEvent.Metadata = new System.Text.Json.Nodes.JsonObject { ["region"] = "eu-west", ["attempt"] = 1, ["ratio"] = 0.25 };
        auditEvent.Tags = ["pii", "billing"];
        return auditEvent;
    }
}
