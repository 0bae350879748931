namespace AuditKit.Server.Tests.Seeding;

/// <summary>The <c>seed</c> command, end to end on a SQLite file, and its generator's distributions.</summary>
public sealed class AuditSeedCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new("auditkit-seed");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task Seed_fills_the_configured_store_with_tenants_and_skewed_events()
    {
        var path = _directory.File("seed.db");

        var exit = await AuditSeedCommand.RunAsync(
            ["--tenants", "3", "--events", "3000", "--days", "2", "--tenant-prefix", "t", $"--AuditKit:Storage:SqlitePath={path}", "--ConnectionStrings:AuditKit="]);

        exit.ShouldBe(0);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AuditKit:Storage:SqlitePath"] = path }).Build();
        await using var services = new ServiceCollection().AddLogging().AddAuditStorage(configuration).BuildServiceProvider();
        var store = services.GetRequiredService<IAuditEventStore>();
        var tenants = services.GetRequiredService<ITenantStore>();
        var counts = new List<long>();
        var all = new List<AuditEvent>();
        foreach (var tenant in new[] { "t-01", "t-02", "t-03" })
        {
            (await tenants.GetTenantAsync(tenant, default)).ShouldNotBeNull();
            var events = new List<AuditEvent>();
            await foreach (var e in store.StreamAsync(tenant, new AuditEventQuery(), default))
            {
                events.Add(e);
            }

            counts.Add(events.Count);
            all.AddRange(events);

            // The summary's rollup was filled as the events went in: its whole days and the events agree.
            var now = DateTimeOffset.UtcNow;
            var range = new AuditEventQuery { From = new DateTimeOffset(now.Date, TimeSpan.Zero).AddDays(-3), To = new DateTimeOffset(now.Date, TimeSpan.Zero).AddDays(1) };
            var summary = await store.SummarizeAsync(tenant, range, AuditTimeBucket.Day, 3, default);
            summary.Total.ShouldBe(events.Count);
            summary.ByAction.Sum(c => c.Count).ShouldBe(events.Count);
            summary.ByAction[0].ShouldBe(new AuditCount(AuditActions.Read, events.Count(e => e.Action == AuditActions.Read)));
        }

        counts.Sum().ShouldBe(3000);
        counts.ShouldBeInOrder(SortDirection.Descending, "tenants follow a Zipf law: the first is the largest");
        all.ShouldAllBe(e => e.Timestamp > DateTimeOffset.UtcNow.AddDays(-2.1) && e.Timestamp <= DateTimeOffset.UtcNow);
        all.Where(e => e.Action == AuditActions.Update).ShouldAllBe(e => e.Changes != null && e.Changes.Count > 0 && e.OldValues != null);
        all.Where(e => e.Action == AuditActions.LoginFailed).ShouldAllBe(e => e.Status == AuditStatus.Failure && e.Severity == AuditSeverity.Critical);
        all.Count(e => e.Action == AuditActions.Read).ShouldBeGreaterThan(all.Count(e => e.Action == AuditActions.Update));
        var byUser = all.Where(e => e.TenantId == "t-01").GroupBy(e => e.UserId).Select(g => g.Count()).OrderDescending().ToList();
        byUser[0].ShouldBeGreaterThan(byUser[byUser.Count / 2] * 5, "a few users carry most of a tenant's traffic");
    }

    [Fact]
    public void The_generator_is_deterministic_for_a_random_seed()
    {
        var at = StorageTestEvents.BaseTime;
        var one = new AuditSeedEvents(["a", "b"], 7);
        var two = new AuditSeedEvents(["a", "b"], 7);

        for (var i = 0; i < 50; i++)
        {
            var (tenantOne, eventOne) = one.Next(at);
            var (tenantTwo, eventTwo) = two.Next(at);
            (tenantOne, eventOne.Action, eventOne.UserId, eventOne.IpAddress, eventOne.ResourceId).ShouldBe((tenantTwo, eventTwo.Action, eventTwo.UserId, eventTwo.IpAddress, eventTwo.ResourceId));
        }
    }

    [Theory]
    [InlineData("--tenants", "0")]
    [InlineData("--events", "many")]
    [InlineData("--colour", "blue")]
    [InlineData("--days")]
    public async Task Bad_arguments_exit_with_2(params string[] args)
    {
        (await AuditSeedCommand.RunAsync(args)).ShouldBe(2);
    }
}
