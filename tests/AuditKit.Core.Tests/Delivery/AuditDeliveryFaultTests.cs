namespace AuditKit.Core.Tests.Delivery;

/// <summary>
/// The pipeline's behaviour under faults, against a real Kestrel receiver on 127.0.0.1 that speaks the server's
/// batch contract. Every scenario ends with each event stored exactly once (or, for invalid ones, dead-lettered).
/// </summary>
public sealed class AuditDeliveryFaultTests : ReceiverTestBase
{
    [Fact]
    public async Task Server_down_then_up_spools_reports_degraded_then_replays_everything_once()
    {
        await Receiver.StopAsync();
        await using var app = TestApp.Create(Receiver.Address, Spool.Path);
        using var spooled = Counter(app, "auditkit.delivery.spooled");
        using var sent = Counter(app, "auditkit.delivery.sent");
        await app.StartAsync();

        var events = WriteEvents(app, 60);
        var service = app.Services.GetRequiredService<AuditDeliveryService>();
        await Eventually.TrueAsync(() => service.Spool!.PendingEvents == 60, "all events are spooled while the server is down");
        (await HealthAsync(app)).Status.ShouldBe(HealthStatus.Degraded);
        await Eventually.TrueAsync(() => Sum(spooled) == 60, "every spooled event is counted");

        await Receiver.RestartAsync();
        await Eventually.TrueAsync(() => Receiver.Stored.Count == 60, "the spool is replayed once the server is back");
        Receiver.Posted.Values.ShouldAllBe(n => n == 1);
        events.Select(e => e.Id).ShouldBeSubsetOf(Receiver.Stored.Keys);
        await Eventually.TrueAsync(() => service.Spool!.IsEmpty, "the spool is empty");
        Directory.GetFiles(Spool.Path, "*.segment").ShouldBeEmpty();
        (await HealthAsync(app)).Status.ShouldBe(HealthStatus.Healthy);
        await Eventually.TrueAsync(() => Sum(sent) == 60, "every sent event is counted");
    }

    [Fact]
    public async Task A_response_lost_after_the_server_stored_the_batch_is_retried_and_stored_once()
    {
        Receiver.LoseNextResponse();
        await using var app = TestApp.Create(Receiver.Address, Spool.Path, o => o.Delivery.Linger = TimeSpan.FromMilliseconds(200));
        await app.StartAsync();

        var events = WriteEvents(app, 10);
        await Eventually.TrueAsync(() => events.All(e => Receiver.Posted.GetValueOrDefault(e.Id) == 2), "the batch is posted a second time");
        Receiver.Stored.Count.ShouldBe(10);
    }

    [Fact]
    public async Task Items_the_server_rejects_are_dead_lettered_counted_and_not_retried()
    {
        await using var app = TestApp.Create(Receiver.Address, Spool.Path, o => o.Delivery.Linger = TimeSpan.FromMilliseconds(200));
        using var rejected = Counter(app, "auditkit.delivery.rejected");
        await app.StartAsync();

        var good = TestApp.NewEvent();
        var bad = TestApp.NewEvent("SERVER_REJECTS");
        app.Sink.TryWrite(good).ShouldBeTrue();
        app.Sink.TryWrite(bad).ShouldBeTrue();
        await Eventually.TrueAsync(() => DeadLetters().Count == 1, "the rejected event is dead-lettered");

        var letter = DeadLetters().Single();
        letter.GetProperty("event").GetProperty("id").GetGuid().ShouldBe(bad.Id);
        letter.GetProperty("reason").GetString().ShouldBe("rejected by the server");
        letter.GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("action");
        Receiver.Stored.Keys.ShouldBe([good.Id]);

        // The letter is written before the counter moves: wait for the count rather than race it.
        await Eventually.TrueAsync(() => Sum(rejected) == 1, "the rejection is counted");
        Sum(rejected).ShouldBe(1);

        // Anything sent after the rejection arrives while the rejected event is never posted again.
        var later = TestApp.NewEvent();
        app.Sink.TryWrite(later).ShouldBeTrue();
        await Eventually.TrueAsync(() => Receiver.Stored.ContainsKey(later.Id), "a later event is delivered");
        Receiver.Posted[bad.Id].ShouldBe(1);
    }

    [Fact]
    public async Task Invalid_events_are_dead_lettered_in_the_app_and_never_sent()
    {
        await using var app = TestApp.Create(Receiver.Address, Spool.Path);
        await app.StartAsync();

        var invalid = TestApp.NewEvent("lower case");
        var valid = TestApp.NewEvent();
        app.Sink.TryWrite(invalid).ShouldBeTrue();
        app.Sink.TryWrite(valid).ShouldBeTrue();

        await Eventually.TrueAsync(() => Receiver.Stored.ContainsKey(valid.Id), "the valid event is delivered");
        Receiver.Posted.ContainsKey(invalid.Id).ShouldBeFalse();
        var letter = DeadLetters().Single();
        letter.GetProperty("reason").GetString().ShouldBe("invalid");
        letter.GetProperty("event").GetProperty("id").GetGuid().ShouldBe(invalid.Id);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    public async Task A_4xx_other_than_408_and_429_is_not_retried(HttpStatusCode status)
    {
        Receiver.FailNext(status);
        await using var app = TestApp.Create(Receiver.Address, Spool.Path);
        using var retried = Counter(app, "auditkit.delivery.retried");
        await app.StartAsync();

        var refused = TestApp.NewEvent();
        app.Sink.TryWrite(refused).ShouldBeTrue();
        await Eventually.TrueAsync(() => DeadLetters().Count == 1, "the refused batch is dead-lettered");

        var later = TestApp.NewEvent();
        app.Sink.TryWrite(later).ShouldBeTrue();
        await Eventually.TrueAsync(() => Receiver.Stored.ContainsKey(later.Id), "a later event is delivered");
        Receiver.Requests.ShouldBe(2);
        Sum(retried).ShouldBe(0);
        app.Services.GetRequiredService<AuditDeliveryService>().Spool!.IsEmpty.ShouldBeTrue();
    }

    [Theory]
    [InlineData("wrong-key", 401)]
    [InlineData(null, 401)]
    public async Task A_refused_key_pauses_sending_logs_the_cause_and_spools(string? key, int status)
    {
        await using var app = TestApp.Create(Receiver.Address, Spool.Path, o => o.ApiKey = key);
        await app.StartAsync();

        WriteEvents(app, 5);
        var service = app.Services.GetRequiredService<AuditDeliveryService>();
        await Eventually.TrueAsync(() => service.Spool!.PendingEvents == 5, "the events are spooled");
        var refusals = Receiver.Requests;
        WriteEvents(app, 5);
        await Eventually.TrueAsync(() => service.Spool!.PendingEvents == 10, "events written while paused are spooled without being sent");

        Receiver.Requests.ShouldBe(refusals, "sending paused after the first refusal");
        Receiver.Stored.ShouldBeEmpty();
        var error = app.Logs.Entries.Single(e => e.Level == LogLevel.Error);
        error.Message.ShouldContain(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        error.Message.ShouldContain("API key");
        var health = await HealthAsync(app);
        health.Status.ShouldBe(HealthStatus.Degraded);
        health.Description!.ShouldContain("AuditKit:ApiKey");
    }

    [Fact]
    public async Task Shutdown_drains_what_is_queued_when_the_server_keeps_up()
    {
        var app = TestApp.Create(Receiver.Address, Spool.Path, o => o.Delivery.Linger = TimeSpan.FromSeconds(30));
        await using (app)
        {
            await app.StartAsync();
            WriteEvents(app, 250);
            await app.StopAsync();
        }

        Receiver.Stored.Count.ShouldBe(250);
        Directory.GetFiles(Spool.Path, "*.segment").ShouldBeEmpty();
    }

    [Fact]
    public async Task Shutdown_spools_what_the_deadline_leaves_and_the_next_start_replays_it()
    {
        Receiver.Latency = TimeSpan.FromSeconds(30);
        List<AuditEvent> events;
        var first = TestApp.Create(Receiver.Address, Spool.Path, o =>
        {
            o.Delivery.ShutdownDrainTimeout = TimeSpan.FromMilliseconds(300);
            o.Delivery.AttemptTimeout = TimeSpan.FromSeconds(60);
            o.Delivery.TotalTimeout = TimeSpan.FromSeconds(60);
            o.Delivery.CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(120);
            o.Delivery.BatchSize = 10;
        });
        await using (first)
        {
            await first.StartAsync();
            events = WriteEvents(first, 100);
            await Eventually.TrueAsync(() => Receiver.Requests > 0, "a batch is in flight");
            await first.StopAsync();
            first.Logs.Entries.ShouldContain(e => e.Message.Contains("100 undelivered event(s) were spooled", StringComparison.Ordinal));
        }

        Receiver.Latency = TimeSpan.Zero;
        await using var second = TestApp.Create(Receiver.Address, Spool.Path);
        await second.StartAsync();
        await Eventually.TrueAsync(() => Receiver.Stored.Count == 100, "the next start replays the spool");
        events.Select(e => e.Id).ShouldBeSubsetOf(Receiver.Stored.Keys);
    }

    [Fact]
    public async Task A_full_channel_refuses_without_blocking_and_counts_the_drop()
    {
        await using var app = TestApp.Create(Receiver.Address, Spool.Path, o => o.Delivery.ChannelCapacity = 5);
        using var dropped = Counter(app, "auditkit.delivery.dropped");

        // Not started: nothing drains the channel.
        for (var i = 0; i < 5; i++)
        {
            app.Sink.TryWrite(TestApp.NewEvent()).ShouldBeTrue();
        }

        app.Sink.TryWrite(TestApp.NewEvent()).ShouldBeFalse();
        var drop = dropped.GetMeasurementSnapshot().Single();
        drop.Value.ShouldBe(1);
        drop.Tags["reason"].ShouldBe("channel_full");
        app.Logs.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.Contains("channel full", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task While_the_senders_are_busy_a_filling_channel_overflows_to_the_spool_not_to_drops()
    {
        Receiver.Latency = TimeSpan.FromSeconds(2);
        await using var app = TestApp.Create(Receiver.Address, Spool.Path, o =>
        {
            o.Delivery.ChannelCapacity = 200;
            o.Delivery.BatchSize = 20;
            o.Delivery.MaxConcurrentBatches = 1;
        });
        using var dropped = Counter(app, "auditkit.delivery.dropped");
        using var spooled = Counter(app, "auditkit.delivery.spooled");
        await app.StartAsync();
        var pipeline = app.Services.GetRequiredService<AuditDeliveryPipeline>();

        // Requests keep coming while the one sender waits 2 s per batch: the backlog must not build up.
        for (var chunk = 0; chunk < 20; chunk++)
        {
            WriteEvents(app, 50);
            await Eventually.TrueAsync(() => pipeline.Backlog <= 100, "the batcher keeps the channel at most half full");
        }

        Sum(spooled).ShouldBeGreaterThan(0);
        Receiver.Latency = TimeSpan.Zero;
        await Eventually.TrueAsync(() => Receiver.Stored.Count == 1000, "every event is delivered, live or replayed", timeoutSeconds: 30);
        Sum(dropped).ShouldBe(0);
    }

    private static List<AuditEvent> WriteEvents(TestApp app, int count)
    {
        var events = Enumerable.Range(0, count).Select(_ => TestApp.NewEvent()).ToList();
        foreach (var e in events)
        {
            app.Sink.TryWrite(e).ShouldBeTrue();
        }

        return events;
    }

    private List<JsonElement> DeadLetters()
    {
        var path = Path.Combine(Spool.Path, AuditDeadLetterFile.FileName);
        return File.Exists(path)
            ? [.. File.ReadAllLines(path).Select(line => JsonDocument.Parse(line).RootElement)]
            : [];
    }

    private static Task<HealthCheckResult> HealthAsync(TestApp app)
        => app.Services.GetRequiredService<AuditDeliveryHealthCheck>().CheckHealthAsync(new HealthCheckContext());

    private static MetricCollector<long> Counter(TestApp app, string name)
        => new(app.Services.GetRequiredService<IMeterFactory>(), AuditDeliveryMetrics.MeterName, name);

    private static long Sum(MetricCollector<long> collector) => collector.GetMeasurementSnapshot().Sum(m => m.Value);
}
