namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// The storage contract of the analysis reads: streaming, grouping, summaries, failed authentication and capped
/// totals. Expected answers are computed from the inserted events in C# with the same rules.
/// </summary>
public abstract partial class AuditEventStoreContractTests
{
    [Fact]
    public async Task Stream_yields_every_match_in_order_without_paging_and_only_of_the_tenant()
    {
        var (tenant, other) = (NewTenant(), NewTenant());
        var events = Varied(60);
        await Events.InsertAsync(tenant, events, s_received, AuditInsertHooks.None, default);
        await Events.InsertAsync(other, Varied(10), s_received, AuditInsertHooks.None, default);
        var expected = events.Where(e => e.ServiceName == "svc-a")
            .OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id.ToString(), StringComparer.Ordinal).Select(e => e.Id).ToList();

        var streamed = new List<AuditEvent>();
        await foreach (var e in Events.StreamAsync(tenant, new AuditEventQuery { ServiceName = "svc-a", Limit = 5, Offset = 7 }, default))
        {
            streamed.Add(e);
        }

        streamed.Select(e => e.Id).ShouldBe(expected);
        streamed.ShouldAllBe(e => e.TenantId == tenant);
    }

    [Fact]
    public async Task Stream_of_nothing_is_empty()
    {
        var any = false;
        await foreach (var _ in Events.StreamAsync(NewTenant(), new AuditEventQuery(), default))
        {
            any = true;
        }

        any.ShouldBeFalse();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Group_counts_first_and_last_seen_per_key_in_order_with_paging(bool ipsByLastSeen)
    {
        var (field, order) = ipsByLastSeen ? (AuditGroupField.IpAddress, AuditGroupOrder.LastSeen) : (AuditGroupField.UserId, AuditGroupOrder.Count);
        var (tenant, other) = (NewTenant(), NewTenant());
        var events = Varied(60);
        events[4].Timestamp = events[4].Timestamp.AddDays(1);
        await Events.InsertAsync(tenant, events, s_received, AuditInsertHooks.None, default);
        await Events.InsertAsync(other, Varied(30), s_received, AuditInsertHooks.None, default);
        string? KeyOf(AuditEvent e) => field == AuditGroupField.IpAddress ? e.IpAddress : e.UserId;
        var groups = events
            .Where(e => e.Category == "c2" && KeyOf(e) is not null)
            .GroupBy(e => KeyOf(e)!)
            .Select(g => new AuditEventGroup(g.Key, g.Count(), AuditEventRow.ToStoredTime(g.Min(x => x.Timestamp)), AuditEventRow.ToStoredTime(g.Max(x => x.Timestamp))))
            .ToList();
        var expected = (order == AuditGroupOrder.Count
                ? groups.OrderByDescending(g => g.Count).ThenBy(g => g.Key, StringComparer.Ordinal)
                : groups.OrderByDescending(g => g.LastSeen).ThenBy(g => g.Key, StringComparer.Ordinal))
            .ToList();
        expected.Count.ShouldBeGreaterThan(2);

        var seen = new List<AuditEventGroup>();
        long? total = null;
        for (var offset = 0; offset <= expected.Count; offset += 2)
        {
            var page = await Events.GroupAsync(tenant, new AuditEventQuery { Category = "c2", Limit = 2, Offset = offset }, field, order, default);
            seen.AddRange(page.Items);
            total ??= page.Total;
            page.Total.ShouldBe(total.Value, "every page, even past the end, tells how many groups there are");
        }

        seen.ShouldBe(expected);
        total.ShouldBe(expected.Count);
    }

    [Fact]
    public async Task Summary_counts_each_dimension_and_every_bucket_of_the_range()
    {
        var (tenant, other) = (NewTenant(), NewTenant());
        var events = Varied(60);
        for (var i = 0; i < events.Count; i++)
        {
            events[i].Timestamp = StorageTestEvents.BaseTime.AddMinutes(i * 7);
        }

        await Events.InsertAsync(tenant, events, s_received, AuditInsertHooks.None, default);
        await Events.InsertAsync(other, Varied(20), s_received, AuditInsertHooks.None, default);
        var from = StorageTestEvents.BaseTime.AddMinutes(30);
        var to = StorageTestEvents.BaseTime.AddHours(6);
        var inRange = events.Where(e => e.Timestamp >= from && e.Timestamp < to && e.ServiceName == "svc-b").ToList();

        var summary = await Events.SummarizeAsync(tenant, new AuditEventQuery { From = from, To = to, ServiceName = "svc-b" }, AuditTimeBucket.Hour, 2, default);

        static List<AuditCount> Counts(IEnumerable<string?> keys, int? top = null)
        {
            var counts = keys.GroupBy(k => k).Select(g => new AuditCount(g.Key, g.Count()))
                .OrderByDescending(c => c.Count).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
            return top is { } n ? [.. counts.Take(n)] : counts;
        }

        summary.Total.ShouldBe(inRange.Count);
        summary.ByAction.ShouldBe(Counts(inRange.Select(e => e.Action)));
        summary.BySeverity.ShouldBe(Counts(inRange.Select(e => e.Severity.ToString().ToUpperInvariant())));
        summary.ByStatus.ShouldBe(Counts(inRange.Select(e => e.Status.ToString().ToUpperInvariant())));
        summary.ByService.ShouldBe([new AuditCount("svc-b", inRange.Count)]);
        summary.TopUsers.ShouldBe(Counts(inRange.Select(e => e.UserId), 2));
        summary.TopIps.ShouldBe(Counts(inRange.Select(e => e.IpAddress), 2));
        summary.TimeBuckets.Select(b => b.Start).ShouldBe(Enumerable.Range(0, 6).Select(h => StorageTestEvents.BaseTime.AddHours(h)));
        summary.TimeBuckets.Select(b => b.Count).ShouldBe(
            Enumerable.Range(0, 6).Select(h => (long)inRange.Count(e => e.Timestamp >= StorageTestEvents.BaseTime.AddHours(h) && e.Timestamp < StorageTestEvents.BaseTime.AddHours(h + 1))));
        summary.TimeBuckets.Sum(b => b.Count).ShouldBe(inRange.Count);
    }

    [Fact]
    public async Task Summary_needs_a_time_range()
    {
        await Should.ThrowAsync<ArgumentException>(() => Events.SummarizeAsync(NewTenant(), new AuditEventQuery(), AuditTimeBucket.Day, 5, default));
    }

    [Fact]
    public async Task Failed_authentication_is_login_failed_or_a_failed_login()
    {
        var tenant = NewTenant();
        var failedLogin = StorageTestEvents.Minimal(action: AuditActions.LoginFailed);
        var loginFailure = StorageTestEvents.Minimal(action: AuditActions.Login);
        loginFailure.Status = AuditStatus.Failure;
        var login = StorageTestEvents.Minimal(action: AuditActions.Login);
        var updateFailure = StorageTestEvents.Minimal(action: AuditActions.Update);
        updateFailure.Status = AuditStatus.Failure;
        await Events.InsertAsync(tenant, [failedLogin, loginFailure, login, updateFailure], s_received, AuditInsertHooks.None, default);

        var page = await Events.QueryAsync(tenant, new AuditEventQuery { FailedAuthentication = true }, default);

        page.Items.Select(e => e.Id).ShouldBe([failedLogin.Id, loginFailure.Id], ignoreOrder: true);
    }

    [Theory]
    [InlineData(null, 23L, true)]
    [InlineData(100L, 23L, true)]
    [InlineData(23L, 23L, true)]
    [InlineData(22L, 22L, false)]
    [InlineData(5L, 5L, false)]
    public async Task A_capped_total_stops_counting_at_the_cap(long? cap, long total, bool exact)
    {
        var tenant = NewTenant();
        await Events.InsertAsync(tenant, Varied(23), s_received, AuditInsertHooks.None, default);

        var page = await Events.QueryAsync(tenant, new AuditEventQuery { Limit = 3, TotalCap = cap }, default);

        (page.Total, page.TotalIsExact).ShouldBe((total, exact));
        page.Items.Count.ShouldBe(3);
    }
}
