namespace AuditKit.Server.Tests.Storage;

/// <summary>A summary asked for no top users or IPs (top 0): the same counts, no user or IP list, on both ways.</summary>
public abstract partial class AuditEventStoreContractTests
{
    [Fact]
    public async Task A_summary_with_a_top_of_zero_counts_the_same_and_names_no_user_or_ip()
    {
        var random = new Random(20261206);
        var tenant = NewTenant();
        var stored = new Dictionary<(string Tenant, Guid Id), AuditEvent>();
        await IngestRandomlyAsync(random, [tenant], 300, stored);
        await using var eventsOnly = EventsOnlyStore(out var fromEvents);

        // Whole hours with partial ends (the rollup's way), filtered by severity and not.
        var range = new AuditEventQuery { From = StorageTestEvents.BaseTime.AddMinutes(-17), To = StorageTestEvents.BaseTime.AddHours(30).AddMinutes(9) };
        foreach (var query in new[] { range, range with { Severity = AuditSeverity.High }, range with { Action = AuditActions.Login } })
        {
            foreach (var store in new[] { Events, fromEvents })
            {
                var full = await store.SummarizeAsync(tenant, query, AuditTimeBucket.Hour, 10, default);
                var bare = await store.SummarizeAsync(tenant, query, AuditTimeBucket.Hour, 0, default);
                full.Total.ShouldBeGreaterThan(0);
                full.TopUsers.ShouldNotBeEmpty();
                bare.Total.ShouldBe(full.Total);
                bare.TimeBuckets.ShouldBe(full.TimeBuckets);
                bare.ByAction.ShouldBe(full.ByAction);
                bare.BySeverity.ShouldBe(full.BySeverity);
                bare.ByStatus.ShouldBe(full.ByStatus);
                bare.ByService.ShouldBe(full.ByService);
                bare.TopUsers.ShouldBeEmpty();
                bare.TopIps.ShouldBeEmpty();
            }
        }

        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => Events.SummarizeAsync(tenant, range, AuditTimeBucket.Hour, -1, default));
    }
}
