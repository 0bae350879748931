using static AuditKit.Server.Tests.Detection.OutboxStorage;
using static AuditKit.Server.Tests.Detection.TestEvents;

namespace AuditKit.Server.Tests.Detection;

/// <summary>
/// Events acknowledged to a client are evaluated even when the server process stops before its own detection pass:
/// every batch is recorded in <c>detection_outbox</c> with the events, and a sweep of any process evaluates what a
/// stopped one left behind, exactly once.
/// </summary>
public sealed class DetectionOutboxTests
{
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("PostgreSQL")]
    [InlineData("SQLite")]
    public async Task A_brute_force_acknowledged_just_before_the_process_stopped_is_raised_by_the_next_process(string provider)
    {
        await using var storage = await CreateAsync(provider);
        const string ip = "203.0.113.40";
        var tenant = await LeaveBruteForceAsync(storage, "crash", "alice", ip);

        await using var next = new DetectionHost(storage.Settings);

        // Within the grace period the batch may still be its own process's to evaluate: the sweep leaves it.
        (await next.Sweeper.SweepAsync(CancellationToken.None)).ShouldBe(0);
        (await AlertsAsync(next, tenant, AlertRules.BruteForce)).ShouldBeEmpty();
        (await OutboxAsync(next, tenant.Id)).Count.ShouldBe(1);

        next.Time.Advance(s_grace);
        await next.Sweeper.SweepAsync(CancellationToken.None);

        var alert = (await AlertsAsync(next, tenant, AlertRules.BruteForce)).ShouldHaveSingleItem();
        alert.Key.ShouldBe(ip);
        alert.Count.ShouldBe(5);
        alert.Evidence.Count.ShouldBe(5);
        alert.FirstSeen.ShouldBe(Start);
        await ShouldBeClearedAsync(next, tenant, evaluatedEvents: 5);
    }

    [Theory]
    [InlineData("PostgreSQL")]
    [InlineData("SQLite")]
    public async Task A_batch_evaluated_by_its_own_process_leaves_nothing_in_the_outbox(string provider)
    {
        await using var storage = await CreateAsync(provider);
        await using var host = new DetectionHost(storage.Settings);
        var tenant = await CreateTenantAsync(host, "normal");
        using var ingest = host.CreateClient(tenant.IngestKey);

        await PostAsync(ingest, Series(5, Start, TimeSpan.FromSeconds(30), (at, _) => FailedLogin(at, "bob", "203.0.113.41")));
        await host.WaitForDetectionAsync();

        (await OutboxAsync(host, tenant.Id)).ShouldBeEmpty();
        (await AlertsAsync(host, tenant, AlertRules.BruteForce)).ShouldHaveSingleItem().Count.ShouldBe(5);

        // Nothing is left for a sweep, however late it comes.
        host.Time.Advance(TimeSpan.FromHours(1));
        (await host.Sweeper.SweepAsync(CancellationToken.None)).ShouldBe(0);
        (await MinuteCountsAsync(host, tenant.Id)).ShouldBe(5);
    }

    [Theory]
    [InlineData("PostgreSQL")]
    [InlineData("SQLite")]
    public async Task Only_events_actually_stored_go_to_the_outbox(string provider)
    {
        await using var storage = await CreateAsync(provider);
        var ids = Enumerable.Range(0, 5).Select(static i => Guid.CreateVersion7(Start.AddSeconds(i))).ToArray();
        object[] events = [.. ids.Select(static (id, i) => new { id, timestamp = Start.AddSeconds(i), action = "READ", user_id = $"user-{i}", severity = "LOW" })];
        TestTenant tenant;
        await using (var stopped = new DetectionHost(storage.Settings, evaluateQueue: false))
        {
            tenant = await CreateTenantAsync(stopped, "dedup");
            using var ingest = stopped.CreateClient(tenant.IngestKey);
            (await PostAsync(ingest, events[..3])).Accepted.ShouldBe(3);
            stopped.Time.Advance(TimeSpan.FromSeconds(1));
            var retried = await PostAsync(ingest, events);
            retried.Accepted.ShouldBe(2);
            retried.Duplicates.ShouldBe(3);
            (await PostAsync(ingest, events[3..])).Duplicates.ShouldBe(2);

            var outbox = await OutboxAsync(stopped, tenant.Id);
            outbox.Select(static r => r.Count).ShouldBe(new[] { 3, 2 });
            outbox[0].EventIds.ShouldBe(ids[..3], ignoreOrder: true);
            outbox[1].EventIds.ShouldBe(ids[3..], ignoreOrder: true);
        }

        await using var next = new DetectionHost(storage.Settings);
        next.Time.Advance(s_grace + TimeSpan.FromSeconds(1));
        await next.Sweeper.SweepAsync(CancellationToken.None);

        await ShouldBeClearedAsync(next, tenant, evaluatedEvents: 5);
    }

    [Theory]
    [InlineData("PostgreSQL")]
    [InlineData("SQLite")]
    public async Task A_batch_that_keeps_failing_is_tried_again_less_and_less_often_and_evaluated_once_it_can_be(string provider)
    {
        await using var storage = await CreateAsync(provider);
        var tenant = await LeaveBruteForceAsync(storage, "poison", "frank", "203.0.113.45");

        await using var next = new DetectionHost(storage.Settings);
        var lease = next.Services.GetRequiredService<IOptions<DetectionOptions>>().Value.SweepClaimLease;
        async Task<long> AttemptsAsync() =>
            Convert.ToInt64(await ScalarAsync(next, "SELECT attempts FROM detection_outbox WHERE tenant_id = @t", tenant.Id), System.Globalization.CultureInfo.InvariantCulture);

        // Every pass over the batch fails (rule 8 cannot record the user's day).
        await using (await storage.RefuseAsync("detection_user_days", $"NEW.tenant_id = '{tenant.Id}'"))
        {
            next.Time.Advance(s_grace);
            (await next.Sweeper.SweepAsync(CancellationToken.None)).ShouldBe(0);
            (await AttemptsAsync()).ShouldBe(1);

            next.Time.Advance(lease);
            (await next.Sweeper.SweepAsync(CancellationToken.None)).ShouldBe(0);
            (await AttemptsAsync()).ShouldBe(2);

            // After the second failure it waits twice the lease: not tried one lease later.
            next.Time.Advance(lease);
            (await next.Sweeper.SweepAsync(CancellationToken.None)).ShouldBe(0);
            (await AttemptsAsync()).ShouldBe(2);

            next.Time.Advance(lease);
            (await next.Sweeper.SweepAsync(CancellationToken.None)).ShouldBe(0);
            (await AttemptsAsync()).ShouldBe(3);
        }

        (await AlertsAsync(next, tenant, AlertRules.BruteForce)).ShouldBeEmpty();
        next.Time.Advance(lease * 4);
        (await next.Sweeper.SweepAsync(CancellationToken.None)).ShouldBe(1);
        (await AlertsAsync(next, tenant, AlertRules.BruteForce)).ShouldHaveSingleItem().Count.ShouldBe(5);
        (await OutboxAsync(next, tenant.Id)).ShouldBeEmpty();
    }

    [Fact]
    public void The_wait_after_failed_attempts_doubles_up_to_six_hours()
    {
        var lease = TimeSpan.FromMinutes(5);
        Enumerable.Range(1, 9).Select(a => DetectionOutboxSweeper.RetryDelay(lease, a).TotalMinutes)
            .ShouldBe([5, 10, 20, 40, 80, 160, 320, 360, 360]);
        DetectionOutboxSweeper.RetryDelay(lease, int.MaxValue).ShouldBe(DetectionOutboxSweeper.MaxRetryDelay);
    }

    [Fact]
    public async Task Two_processes_sweeping_at_once_evaluate_every_left_batch_exactly_once()
    {
        await using var storage = await CreateAsync("PostgreSQL");
        const int batches = 120;
        TestTenant tenant;
        await using (var stopped = new DetectionHost(storage.Settings, evaluateQueue: false))
        {
            tenant = await CreateTenantAsync(stopped, "sweeps");
            await IngestAttackAsync(stopped, tenant, batches);
        }

        await using var first = new DetectionHost(storage.Settings);
        await using var second = new DetectionHost(storage.Settings);
        StartPastTheGrace(first, second);

        // More batches than one claim takes, so both sweeps claim, skip what the other holds, and claim again.
        var swept = await SweepAtOnceAsync(first, second);

        swept.Sum().ShouldBeLessThanOrEqualTo(batches);
        await ShouldBeEvaluatedOnceAsync(first, tenant, batches);
    }

    [Fact]
    public async Task A_pass_of_the_storing_process_racing_two_sweeps_evaluates_each_batch_once()
    {
        await using var storage = await CreateAsync("PostgreSQL");
        const int batches = 120;
        await using var slow = new DetectionHost(storage.Settings, evaluateQueue: false);
        var tenant = await CreateTenantAsync(slow, "race");
        await IngestAttackAsync(slow, tenant, batches);

        // The storing process still has its batches queued, as if its pass were late; two other processes sweep.
        var queued = new List<DetectionBatch>();
        slow.Services.GetRequiredService<DetectionQueue>().TakeLarge(queued, int.MaxValue);
        queued.Count.ShouldBe(0);
        slow.Services.GetRequiredService<DetectionQueue>().TakeSmall(queued, int.MaxValue);
        queued.Count.ShouldBe(batches);
        await using var first = new DetectionHost(storage.Settings);
        await using var second = new DetectionHost(storage.Settings);
        StartPastTheGrace(first, second);

        var detector = slow.Services.GetRequiredService<AlertDetector>();
        var own = Task.Run(() => detector.EvaluateAsync(tenant.Id, queued, CancellationToken.None));
        var swept = await SweepAtOnceAsync(first, second);
        var result = await own;

        (result.Batches + swept.Sum()).ShouldBeLessThanOrEqualTo(batches);
        await ShouldBeEvaluatedOnceAsync(first, tenant, batches);
    }

    [Theory]
    [InlineData("PostgreSQL")]
    [InlineData("SQLite")]
    public async Task Batches_whose_events_or_tenant_were_deleted_are_cleared_without_holding_back_the_rest(string provider)
    {
        await using var storage = await CreateAsync(provider);
        TestTenant kept;
        TestTenant deleted;
        await using (var stopped = new DetectionHost(storage.Settings, evaluateQueue: false))
        {
            kept = await CreateTenantAsync(stopped, "kept");
            deleted = await CreateTenantAsync(stopped, "deleted");
            using var ingestKept = stopped.CreateClient(kept.IngestKey);
            using var ingestDeleted = stopped.CreateClient(deleted.IngestKey);
            await PostAsync(ingestKept, Series(5, Start, TimeSpan.FromSeconds(10), (at, _) => FailedLogin(at, "carol", "203.0.113.50")));
            await PostAsync(ingestDeleted, Series(5, Start, TimeSpan.FromSeconds(10), (at, _) => FailedLogin(at, "dave", "203.0.113.51")));
            await PostAsync(ingestKept, Series(5, Start, TimeSpan.FromSeconds(10), (at, _) => FailedLogin(at, "erin", "203.0.113.52")));

            // Retention removed the first batch's events; the second tenant was deleted with all its data.
            (await ExecuteAsync(stopped, "DELETE FROM audit_events WHERE tenant_id = @t AND ip_address = '203.0.113.50'", kept.Id)).ShouldBe(5);
            await ExecuteAsync(stopped, "DELETE FROM audit_events WHERE tenant_id = @t", deleted.Id);
            (await ExecuteAsync(stopped, "DELETE FROM tenants WHERE id = @t", deleted.Id)).ShouldBe(1);
        }

        await using var next = new DetectionHost(storage.Settings);
        next.Time.Advance(s_grace);
        await next.Sweeper.SweepAsync(CancellationToken.None);

        (await OutboxAsync(next, kept.Id)).ShouldBeEmpty();
        (await OutboxAsync(next, deleted.Id)).ShouldBeEmpty();
        var alert = (await AlertsAsync(next, kept, AlertRules.BruteForce)).ShouldHaveSingleItem();
        alert.Key.ShouldBe("203.0.113.52");
        alert.Count.ShouldBe(5);
        (await ScalarAsync(next, "SELECT count(*) FROM alerts WHERE tenant_id = @t", deleted.Id)).ShouldBe(0L);
        (await next.Sweeper.SweepAsync(CancellationToken.None)).ShouldBe(0);
    }

    [Fact]
    public async Task Small_batches_are_taken_ahead_of_a_backlog_of_large_ones_and_a_closed_queue_leaves_batches_to_the_sweep()
    {
        var queue = new DetectionQueue(Options.Create(new DetectionOptions { SmallBatchEvents = 100 }));
        var sizes = new[] { 1000, 800, 5, 1000, 100, 101 };
        var ids = sizes.Select(static _ => Guid.NewGuid()).ToArray();
        for (var i = 0; i < sizes.Length; i++)
        {
            await queue.EnqueueAsync("a", ids[i], Events(sizes[i]), CancellationToken.None);
        }

        var small = new List<DetectionBatch>();
        queue.TakeSmall(small, maxEvents: 20_000).ShouldBe(2);
        small.Select(static b => b.Id).ShouldBe(new[] { ids[2], ids[4] });

        // Large batches oldest first, until the pass has its events.
        var large = new List<DetectionBatch>();
        queue.TakeLarge(large, maxEvents: 1500).ShouldBe(2);
        large.Select(static b => b.Id).ShouldBe(new[] { ids[0], ids[1] });
        queue.Count.ShouldBe(2);

        // Once the queue is closed (shutting down), a stored batch is left to the outbox sweep; ingest does not fail.
        queue.Complete();
        await queue.EnqueueAsync("a", Guid.NewGuid(), Events(5), CancellationToken.None);
        await queue.EnqueueAsync("a", Guid.NewGuid(), Events(500), CancellationToken.None);
        queue.Count.ShouldBe(2);

        static IEnumerable<AuditEvent> Events(int count) =>
            Enumerable.Range(0, count).Select(static _ => new AuditEvent { Id = Guid.NewGuid(), Timestamp = Start, Action = "READ" });
    }

    /// <summary>
    /// A process that stored five failed logins of <paramref name="user"/> from <paramref name="ip"/> (a brute force) in
    /// a new tenant and stopped before evaluating them: the batch is left in the outbox.
    /// </summary>
    private static async Task<TestTenant> LeaveBruteForceAsync(OutboxStorage storage, string prefix, string user, string ip)
    {
        await using var stopped = new DetectionHost(storage.Settings, evaluateQueue: false);
        var tenant = await CreateTenantAsync(stopped, prefix);
        using var ingest = stopped.CreateClient(tenant.IngestKey);
        await PostAsync(ingest, Series(5, Start, TimeSpan.FromSeconds(30), (at, _) => FailedLogin(at, user, ip)));
        (await OutboxAsync(stopped, tenant.Id)).Select(static r => r.Count).ShouldBe(new[] { 5 });
        return tenant;
    }

    /// <summary>
    /// Each batch holds nine reads and one failed login from one IP, ten seconds apart from the previous batch's, so
    /// the brute force spans every batch.
    /// </summary>
    private static async Task IngestAttackAsync(DetectionHost host, TestTenant tenant, int batches)
    {
        using var ingest = host.CreateClient(tenant.IngestKey);
        for (var b = 0; b < batches; b++)
        {
            var at = Start + TimeSpan.FromSeconds(10 * b);
            object[] batch =
            [
                FailedLogin(at, "victim", "198.51.100.99"),
                .. Series(9, at, TimeSpan.FromMilliseconds(100), (t, i) => Action(t.AddMilliseconds(1), "READ", $"user-{(b + i) % 10}")),
            ];
            await PostAsync(ingest, batch);
        }

        (await OutboxAsync(host, tenant.Id)).Count.ShouldBe(batches);
    }

    /// <summary>Other processes started (services built) with their clocks past the grace period, ready to sweep.</summary>
    private static void StartPastTheGrace(params DetectionHost[] hosts)
    {
        foreach (var host in hosts)
        {
            _ = host.Services;
        }

        foreach (var host in hosts)
        {
            host.Time.Advance(s_grace);
        }
    }

    /// <summary>Sweeps of every host at once; what each swept.</summary>
    private static Task<int[]> SweepAtOnceAsync(params DetectionHost[] hosts) =>
        Task.WhenAll(hosts.Select(static host => Task.Run(() => host.Sweeper.SweepAsync(CancellationToken.None))));

    /// <summary>
    /// The outbox of <paramref name="tenant"/> is empty and the rate-anomaly rule counted
    /// <paramref name="evaluatedEvents"/> events in its minutes.
    /// </summary>
    private static async Task ShouldBeClearedAsync(DetectionHost host, TestTenant tenant, int evaluatedEvents)
    {
        (await OutboxAsync(host, tenant.Id)).ShouldBeEmpty();
        (await MinuteCountsAsync(host, tenant.Id)).ShouldBe(evaluatedEvents);
    }

    /// <summary>Every event of <see cref="IngestAttackAsync"/> was evaluated, none twice, and the outbox is empty.</summary>
    private static async Task ShouldBeEvaluatedOnceAsync(DetectionHost host, TestTenant tenant, int batches)
    {
        // The rate-anomaly rule adds every evaluated event to its minute: an event evaluated twice would count twice.
        await ShouldBeClearedAsync(host, tenant, evaluatedEvents: batches * 10);
        var alert = (await AlertsAsync(host, tenant, AlertRules.BruteForce)).ShouldHaveSingleItem();
        alert.Count.ShouldBe(batches);
        alert.FirstSeen.ShouldBe(Start);
        alert.LastSeen.ShouldBe(Start + TimeSpan.FromSeconds(10 * (batches - 1)));
    }
}
