using AuditKit.Delivery.Spool;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuditKit.Core.Tests.Delivery;

/// <summary>The durable spool on real files: order, restart, size cap, damaged segments, ownership.</summary>
public sealed class AuditSpoolTests : IDisposable
{
    private readonly TempDirectory _directory = new("auditkit-spool");
    private readonly AuditDeliveryOptions _options = new() { SpoolSegmentBytes = 64 * 1024, SpoolMaxBytes = 1024 * 1024 };
    private readonly Meter _meter = new("AuditKit.Delivery.Tests." + Guid.NewGuid());

    public void Dispose()
    {
        _meter.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void Replays_batches_in_the_order_they_were_spooled_across_segments()
    {
        using var spool = Open();
        var batches = Enumerable.Range(0, 40).Select(i => Batch(i, events: 3, size: 2000)).ToList();
        foreach (var batch in batches)
        {
            spool.Append(batch);
        }

        Directory.GetFiles(_directory.Path, "*.segment").Length.ShouldBeGreaterThan(1);
        spool.PendingBatches.ShouldBe(40);
        spool.PendingEvents.ShouldBe(120);

        ReadAll(spool).ShouldBe(batches.Select(Label));
        spool.IsEmpty.ShouldBeTrue();
        Directory.GetFiles(_directory.Path, "*.segment").ShouldBeEmpty();
    }

    [Fact]
    public void After_a_restart_replays_what_was_not_acknowledged_and_only_that()
    {
        var batches = Enumerable.Range(0, 30).Select(i => Batch(i, events: 2, size: 3000)).ToList();
        using (var first = Open())
        {
            foreach (var batch in batches)
            {
                first.Append(batch);
            }

            for (var i = 0; i < 12; i++)
            {
                first.Acknowledge(first.Peek()!);
            }
        }

        using var second = Open();
        second.PendingBatches.ShouldBe(18);
        ReadAll(second).ShouldBe(batches.Skip(12).Select(Label));
    }

    [Fact]
    public void Appends_after_a_restart_go_after_the_recovered_batches()
    {
        using (var first = Open())
        {
            first.Append(Batch(1));
        }

        using var second = Open();
        second.Append(Batch(2));
        ReadAll(second).ShouldBe(["batch-1", "batch-2"]);
    }

    [Fact]
    public void At_the_size_cap_the_oldest_batches_are_dropped_and_counted()
    {
        var options = new AuditDeliveryOptions { SpoolSegmentBytes = 64 * 1024, SpoolMaxBytes = 128 * 1024 };
        using var dropped = new MetricCollector<long>(_meter, "auditkit.delivery.dropped");
        using var spool = Open(options);
        var batches = Enumerable.Range(0, 100).Select(i => Batch(i, events: 1, size: 8000)).ToList();
        foreach (var batch in batches)
        {
            spool.Append(batch);
        }

        spool.Bytes.ShouldBeLessThanOrEqualTo(options.SpoolMaxBytes);
        var kept = ReadAll(spool);
        kept.Count.ShouldBeGreaterThan(0);
        kept.ShouldBe(batches.Skip(100 - kept.Count).Select(Label), "the newest are kept, in order");
        var snapshot = dropped.GetMeasurementSnapshot();
        snapshot.Sum(m => m.Value).ShouldBe(100 - kept.Count);
        snapshot.ShouldAllBe(m => (string?)m.Tags["reason"] == "spool_cap");
    }

    [Fact]
    public void A_truncated_tail_is_skipped_and_everything_before_it_replayed()
    {
        var batches = Enumerable.Range(0, 5).Select(i => Batch(i)).ToList();
        using (var first = Open())
        {
            foreach (var batch in batches)
            {
                first.Append(batch);
            }
        }

        var segment = Directory.GetFiles(_directory.Path, "*.segment").Single();
        using (var file = new FileStream(segment, FileMode.Open))
        {
            // A power loss in the middle of the last write.
            file.SetLength(file.Length - 7);
        }

        using var second = Open();
        ReadAll(second).ShouldBe(batches.Take(4).Select(Label));
    }

    [Fact]
    public void A_corrupted_record_is_skipped_and_the_records_after_it_replayed()
    {
        var batches = Enumerable.Range(0, 5).Select(i => Batch(i)).ToList();
        using (var first = Open())
        {
            foreach (var batch in batches)
            {
                first.Append(batch);
            }
        }

        var segment = Directory.GetFiles(_directory.Path, "*.segment").Single();
        var bytes = File.ReadAllBytes(segment);
        var recordLength = bytes.Length / 5;
        bytes[recordLength + 40] ^= 0xFF; // flip bits inside the second record's payload
        File.WriteAllBytes(segment, bytes);

        using var second = Open();
        ReadAll(second).ShouldBe(new[] { 0, 2, 3, 4 }.Select(i => Label(batches[i])));
    }

    [Fact]
    public void A_segment_of_garbage_does_not_stop_opening()
    {
        File.WriteAllBytes(Path.Combine(_directory.Path, "000000000001.segment"), Encoding.UTF8.GetBytes(new string('x', 5000)));
        using (var good = Open())
        {
            good.Append(Batch(7));
        }

        using var spool = Open();
        ReadAll(spool).ShouldBe(["batch-7"]);
    }

    [Fact]
    public void A_batch_written_ahead_is_not_replayed_while_it_is_being_sent_but_is_after_a_release_or_a_restart()
    {
        using (var first = Open())
        {
            var sending = first.Append(Batch(1), inFlight: true);
            first.Append(Batch(2));
            var failing = first.Append(Batch(3), inFlight: true);

            first.PendingBatches.ShouldBe(1, "batches being sent are not waiting to be replayed");
            Label(first.Peek()!.Batch).ShouldBe("batch-2");

            first.Release(failing);
            first.PendingBatches.ShouldBe(2);
            first.Acknowledge(sending);
            ReadAll(first).ShouldBe(["batch-2", "batch-3"]);

            // Written ahead, then the process dies before the server answered.
            first.Append(Batch(4), inFlight: true);
        }

        using var second = Open();
        ReadAll(second).ShouldBe(["batch-4"]);
        Directory.GetFiles(_directory.Path, "*.segment").ShouldBeEmpty();
    }

    [Fact]
    public void Acknowledged_out_of_order_a_restart_replays_only_from_the_first_unacknowledged_batch()
    {
        using (var first = Open())
        {
            var entries = Enumerable.Range(0, 4).Select(i => first.Append(Batch(i), inFlight: true)).ToList();
            first.Acknowledge(entries[0]);
            first.Acknowledge(entries[2]);
            first.Acknowledge(entries[3]);
        }

        // The progress marker records the acknowledged prefix: batch 1 is replayed, and 2 and 3 with it (the server
        // ignores them as duplicates); batch 0 is not.
        using var second = Open();
        ReadAll(second).ShouldBe(["batch-1", "batch-2", "batch-3"]);
    }

    [Fact]
    public void A_progress_marker_that_cannot_be_written_does_not_stop_the_replay_and_is_written_later()
    {
        var batches = Enumerable.Range(0, 6).Select(i => Batch(i)).ToList();
        using (var first = Open())
        {
            foreach (var batch in batches)
            {
                first.Append(batch);
            }

            // A directory where the marker file should be makes every write of it fail, as a full disk does.
            var ack = Directory.GetFiles(_directory.Path, "*.segment").Single().Replace(".segment", ".ack", StringComparison.Ordinal);
            Directory.CreateDirectory(ack);
            first.Acknowledge(first.Peek()!);
            first.Acknowledge(first.Peek()!);
            Label(first.Peek()!.Batch).ShouldBe("batch-2", "progress is kept in memory");

            Directory.Delete(ack);
            first.Acknowledge(first.Peek()!);
        }

        using var second = Open();
        ReadAll(second).ShouldBe(["batch-3", "batch-4", "batch-5"]);
    }

    [Fact]
    public void One_process_owns_a_spool_directory()
    {
        using var first = Open();
        using var second = new AuditSpool(_directory.Path, _options, new AuditDeliveryMetrics(), NullLogger.Instance);
        Should.Throw<IOException>(second.Open);
    }

    private AuditSpool Open(AuditDeliveryOptions? options = null)
    {
        var spool = new AuditSpool(_directory.Path, options ?? _options, new AuditDeliveryMetrics(new SingleMeterFactory(_meter)), NullLogger.Instance);
        spool.Open();
        return spool;
    }

    private static List<string> ReadAll(AuditSpool spool)
    {
        var labels = new List<string>();
        while (spool.Peek() is { } entry)
        {
            labels.Add(Label(entry.Batch));
            spool.Acknowledge(entry);
        }

        return labels;
    }

    internal static AuditBatch Batch(int number, int events = 2, int size = 200)
    {
        var padding = new string('p', Math.Max(0, size / events - 40));
        return new AuditBatch([.. Enumerable.Range(0, events).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{{\"label\":\"batch-{number}\",\"i\":{i},\"p\":\"{padding}\"}}"))]);
    }

    private static string Label(AuditBatch batch)
    {
        var json = Encoding.UTF8.GetString(batch.Events[0].Span);
        var start = json.IndexOf("batch-", StringComparison.Ordinal);
        return json[start..json.IndexOf('"', start)];
    }

    private sealed class SingleMeterFactory(Meter meter) : IMeterFactory
    {
        public Meter Create(MeterOptions options) => meter;

        public void Dispose()
        {
        }
    }
}
