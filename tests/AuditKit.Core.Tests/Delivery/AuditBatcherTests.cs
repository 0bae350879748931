using System.Threading.Channels;

namespace AuditKit.Core.Tests.Delivery;

/// <summary>How the batcher cuts batches: by count, by bytes and by linger time (on a fake clock).</summary>
public sealed class AuditBatcherTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly Channel<AuditEvent> _channel = Channel.CreateUnbounded<AuditEvent>();
    private readonly List<(AuditEvent Event, IReadOnlyList<AuditFieldError> Errors)> _invalid = [];

    [Fact]
    public async Task A_batch_closes_at_BatchSize_without_waiting_for_the_linger_time()
    {
        var batcher = Create(new AuditDeliveryOptions { BatchSize = 10, Linger = TimeSpan.FromHours(1) });
        Write(25);

        (await batcher.NextBatchAsync(CancellationToken.None))!.Count.ShouldBe(10);
        (await batcher.NextBatchAsync(CancellationToken.None))!.Count.ShouldBe(10);
    }

    [Fact]
    public async Task A_partial_batch_waits_for_the_linger_time_then_goes()
    {
        var batcher = Create(new AuditDeliveryOptions { BatchSize = 10, Linger = TimeSpan.FromSeconds(2) });
        Write(3);

        var next = batcher.NextBatchAsync(CancellationToken.None).AsTask();
        next.IsCompleted.ShouldBeFalse("the linger time has not passed");

        Write(2);
        _time.Advance(TimeSpan.FromSeconds(2));
        (await next.WaitAsync(TimeSpan.FromSeconds(10)))!.Count.ShouldBe(5);
    }

    [Fact]
    public async Task A_batch_closes_before_it_would_exceed_BatchBytes_and_the_next_starts_with_the_event_that_did_not_fit()
    {
        var options = new AuditDeliveryOptions { BatchSize = 1000, BatchBytes = 4096, Linger = TimeSpan.Zero };
        var batcher = Create(options);
        var events = Write(20, description: new string('d', 600));

        var batches = new List<AuditBatch>();
        while (batches.Sum(b => b.Count) < 20)
        {
            batches.Add((await batcher.NextBatchAsync(CancellationToken.None))!);
        }

        batches.Count.ShouldBeGreaterThan(1);
        batches.ShouldAllBe(b => b.JsonBytes <= options.BatchBytes);
        Ids(batches).ShouldBe(events.Select(e => e.Id), "every event once, in order");
        foreach (var batch in batches)
        {
            using var stream = new MemoryStream();
            batch.WriteJsonArray(stream);
            stream.Length.ShouldBe(batch.JsonBytes);
        }
    }

    [Fact]
    public async Task Invalid_events_are_reported_and_left_out()
    {
        var batcher = Create(new AuditDeliveryOptions { BatchSize = 10, Linger = TimeSpan.Zero });
        var good = Write(2);
        _channel.Writer.TryWrite(new AuditEvent { Id = Guid.NewGuid(), Timestamp = DateTimeOffset.UtcNow, Action = "not upper" });

        var batch = await batcher.NextBatchAsync(CancellationToken.None);
        Ids([batch!]).ShouldBe(good.Select(e => e.Id));
        _invalid.Single().Errors.ShouldContain(e => e.Field == "action");
    }

    [Fact]
    public async Task A_completed_channel_ends_with_null()
    {
        var batcher = Create(new AuditDeliveryOptions { BatchSize = 10, Linger = TimeSpan.FromHours(1) });
        Write(3);
        _channel.Writer.Complete();

        (await batcher.NextBatchAsync(CancellationToken.None))!.Count.ShouldBe(3);
        (await batcher.NextBatchAsync(CancellationToken.None)).ShouldBeNull();
    }

    private AuditBatcher Create(AuditDeliveryOptions options)
        => new(_channel.Reader, options, _time, (e, errors) => _invalid.Add((e, errors)));

    private List<AuditEvent> Write(int count, string? description = null)
    {
        var events = Enumerable.Range(0, count).Select(_ =>
        {
            var e = TestApp.NewEvent();
            e.Description = description ?? e.Description;
            return e;
        }).ToList();
        foreach (var e in events)
        {
            _channel.Writer.TryWrite(e).ShouldBeTrue();
        }

        return events;
    }

    private static IEnumerable<Guid> Ids(IEnumerable<AuditBatch> batches)
        => batches.SelectMany(b => b.Events).Select(json => JsonSerializer.Deserialize(json.Span, AuditJsonContext.Default.AuditEvent)!.Id);
}
