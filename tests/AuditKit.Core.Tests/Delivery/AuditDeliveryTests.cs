namespace AuditKit.Core.Tests.Delivery;

/// <summary>The pipeline end to end against a real Kestrel receiver on 127.0.0.1.</summary>
public sealed class AuditDeliveryTests : ReceiverTestBase
{
    [Fact]
    public async Task Events_arrive_once_each_in_gzip_batches_with_the_service_name_stamped()
    {
        await using var app = TestApp.Create(Receiver.Address, Spool.Path, o => o.Delivery.BatchSize = 50);
        using var enqueued = Counter(app, "auditkit.delivery.enqueued");
        using var sent = Counter(app, "auditkit.delivery.sent");
        await app.StartAsync();

        var events = Enumerable.Range(0, 120).Select(_ => TestApp.NewEvent()).ToList();
        foreach (var e in events)
        {
            app.Sink.TryWrite(e).ShouldBeTrue();
        }

        await Eventually.TrueAsync(() => Receiver.Stored.Count == events.Count, "all 120 events are stored");
        Receiver.Posted.Values.ShouldAllBe(n => n == 1);
        Receiver.BatchSizes.ShouldAllBe(n => n <= 50);
        Receiver.ContentEncodings.ShouldAllBe(e => e == "gzip");
        Receiver.Stored.Values.ShouldAllBe(e => e.ServiceName == "delivery-tests");
        enqueued.GetMeasurementSnapshot().Sum(m => m.Value).ShouldBe(120);
        await Eventually.TrueAsync(() => sent.GetMeasurementSnapshot().Sum(m => m.Value) == 120, "every event is counted as sent");
    }

    [Fact]
    public async Task Transient_failures_are_retried_honouring_retry_after_and_counted()
    {
        await using var app = TestApp.Create(Receiver.Address, Spool.Path);
        using var retried = Counter(app, "auditkit.delivery.retried");
        Receiver.FailNext(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.FromSeconds(1));
        Receiver.FailNext(HttpStatusCode.TooManyRequests, retryAfter: TimeSpan.FromSeconds(1));
        Receiver.FailNext(HttpStatusCode.InternalServerError);
        await app.StartAsync();

        var e = TestApp.NewEvent();
        var started = Stopwatch.GetTimestamp();
        app.Sink.TryWrite(e).ShouldBeTrue();

        await Eventually.TrueAsync(() => Receiver.Stored.ContainsKey(e.Id), "the event is stored after three transient failures");
        Receiver.Requests.ShouldBe(4);
        retried.GetMeasurementSnapshot().Sum(m => m.Value).ShouldBe(3);

        // The configured backoff is 10–100 ms; only the two 1 s Retry-After answers make it take 2 s.
        Stopwatch.GetElapsedTime(started).ShouldBeGreaterThan(TimeSpan.FromSeconds(1.9));
    }

    [Fact]
    public async Task An_unusable_spool_directory_does_not_stop_the_app_from_starting()
    {
        var notADirectory = Path.Combine(Spool.Path, "file");
        await File.WriteAllTextAsync(notADirectory, "x");
        await using var app = TestApp.Create(Receiver.Address, Path.Combine(notADirectory, "spool"));
        await app.StartAsync();

        var e = TestApp.NewEvent();
        app.Sink.TryWrite(e).ShouldBeTrue();
        await Eventually.TrueAsync(() => Receiver.Stored.ContainsKey(e.Id), "events are still delivered");
        app.Logs.Entries.ShouldContain(l => l.Level == Microsoft.Extensions.Logging.LogLevel.Error && l.Message.Contains("spool", StringComparison.Ordinal));
    }

    private static MetricCollector<long> Counter(TestApp app, string name)
        => new(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), AuditDeliveryMetrics.MeterName, name);
}
