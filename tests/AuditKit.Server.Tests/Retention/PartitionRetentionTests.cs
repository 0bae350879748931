namespace AuditKit.Server.Tests.Retention;

/// <summary>
/// Retention on PostgreSQL's time partitions (a fresh database for this class): a partition every tenant's retention
/// has passed is dropped whole, with a recorded cut and signed anchors per tenant so verify stays ok and the summary
/// counts lose its events; inside a partition a longer retention keeps, a shorter one deletes row by row.
/// </summary>
public sealed class PartitionRetentionTests(PostgresServerFixture server) : IClassFixture<PostgresServerFixture>
{
    private const string Batch = "/api/v1/audit-logs/batch";

    [Fact]
    public async Task A_partition_every_retention_has_passed_is_dropped_with_its_cuts_and_anchors()
    {
        var now = server.Time.GetUtcNow();
        await EnsureAsync(now);
        var tenant = await server.CreateTenantAsync("drop");
        using var ingest = server.CreateClient(tenant.IngestKey);
        var oldAt = new DateTimeOffset(2024, 12, 10, 8, 0, 0, TimeSpan.Zero);
        var old = await (await ingest.PostAsJsonAsync(Batch, Events(5, oldAt))).ReadItemsAsync();
        await (await ingest.PostAsJsonAsync(Batch, Events(2, now.AddMinutes(-5)))).ReadItemsAsync();
        (await ScalarAsync("SELECT count(*) FROM audit_events_p20241201 WHERE tenant_id = @t", tenant.Id)).ShouldBe(5L);

        var purged = await PurgeAsync(globalDays: 30);

        purged[tenant.Id].ShouldBe(5);
        (await ScalarAsync("SELECT count(*) FROM pg_class WHERE relname = 'audit_events_p20241201'", tenant.Id)).ShouldBe(0L);
        (await ScalarAsync("SELECT count(*) FROM audit_events WHERE tenant_id = @t AND timestamp < '2025-01-01'", tenant.Id)).ShouldBe(0L);
        (await ScalarAsync("SELECT deleted_events FROM retention_cuts WHERE tenant_id = @t", tenant.Id)).ShouldBe(5L);
        (await ScalarAsync("SELECT last_seq FROM retention_cuts WHERE tenant_id = @t", tenant.Id)).ShouldBe(old[^1]!["seq"]!.GetValue<long>());
        (await ScalarAsync(
            "SELECT count(*) FROM integrity_checkpoints WHERE tenant_id = @t AND kind = 'anchor' AND seq = " + old[^1]!["seq"]!.GetValue<long>(),
            tenant.Id)).ShouldBe(1L);
        (await ScalarAsync("SELECT coalesce(sum(event_count), 0) FROM audit_event_hourly WHERE tenant_id = @t AND hour < '2025-01-01'", tenant.Id))
            .ShouldBe(0m);

        var answer = await server.CreateClient(tenant.ReadKey).VerifyAsync();
        answer["ok"]!.GetValue<bool>().ShouldBeTrue(answer.ToJsonString());
    }

    [Fact]
    public async Task A_shorter_retention_deletes_row_by_row_inside_a_partition_a_longer_one_keeps()
    {
        var now = server.Time.GetUtcNow();
        await EnsureAsync(now);
        var (shorter, longer) = (await server.CreateTenantAsync("short"), await server.CreateTenantAsync("long"));
        var oldAt = new DateTimeOffset(2024, 11, 20, 8, 0, 0, TimeSpan.Zero);
        foreach (var tenant in new[] { shorter, longer })
        {
            using var ingest = server.CreateClient(tenant.IngestKey);
            await (await ingest.PostAsJsonAsync(Batch, Events(3, oldAt))).ReadItemsAsync();
        }

        var retention = server.Factory.Services.GetRequiredService<IOptions<RetentionOptions>>().Value;
        retention.Tenants[shorter.Id] = new TenantRetention { Days = 30 };
        Dictionary<string, long> purged;
        try
        {
            purged = await PurgeAsync(globalDays: 365);
        }
        finally
        {
            retention.Tenants.Remove(shorter.Id);
        }

        purged[shorter.Id].ShouldBe(3);
        purged.ShouldNotContainKey(longer.Id);
        (await ScalarAsync("SELECT count(*) FROM pg_class WHERE relname = 'audit_events_p20241101'", longer.Id)).ShouldBe(1L);
        (await ScalarAsync("SELECT count(*) FROM audit_events_p20241101 WHERE tenant_id = @t", longer.Id)).ShouldBe(3L);
        (await ScalarAsync("SELECT count(*) FROM audit_events_p20241101 WHERE tenant_id = @t", shorter.Id)).ShouldBe(0L);
        (await server.CreateClient(shorter.ReadKey).VerifyAsync())["ok"]!.GetValue<bool>().ShouldBeTrue();
        (await server.CreateClient(longer.ReadKey).VerifyAsync())["ok"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task An_event_no_partition_covers_is_stored_in_the_default_partition()
    {
        var tenant = await server.CreateTenantAsync("far");
        using var ingest = server.CreateClient(tenant.IngestKey);
        var far = new DateTimeOffset(2003, 6, 1, 12, 0, 0, TimeSpan.Zero);

        await (await ingest.PostAsJsonAsync(Batch, Events(1, far))).ReadItemsAsync();

        (await ScalarAsync("SELECT count(*) FROM audit_events_default WHERE tenant_id = @t AND timestamp < '2004-01-01'", tenant.Id)).ShouldBe(1L);
    }

    /// <summary>Monthly partitions from August 2024 to the fixture's now (the migration made them only around the real clock).</summary>
    private async Task EnsureAsync(DateTimeOffset now) =>
        await server.Factory.Services.GetRequiredService<IRetentionStore>()
            .EnsurePartitionsAsync(new DateTimeOffset(2024, 8, 1, 0, 0, 0, TimeSpan.Zero), now.AddDays(-40), EventPartitionPeriod.Month, default);

    private async Task<Dictionary<string, long>> PurgeAsync(int globalDays)
    {
        var retention = server.Factory.Services.GetRequiredService<IOptions<RetentionOptions>>().Value;
        var days = retention.Days;
        retention.Days = globalDays;
        try
        {
            return new(await server.Factory.Services.GetRequiredService<AuditRetentionService>().PurgeAsync(default));
        }
        finally
        {
            retention.Days = days;
        }
    }

    private async Task<object?> ScalarAsync(string sql, string tenantId)
    {
        await using var connection = await server.OpenTamperConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        DbParameters.Add(command, "@t", tenantId);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Events at <paramref name="at"/> with ids of that time, as the bundled clients make them.</summary>
    private static object[] Events(int count, DateTimeOffset at) =>
    [
        .. Enumerable.Range(0, count).Select(i => (object)new
        {
            id = AuditEventIds.New(at.AddSeconds(i)).ToString(),
            action = "UPDATE",
            user_id = "alice",
            timestamp = at.AddSeconds(i).ToString("O", CultureInfo.InvariantCulture),
            description = "change " + i.ToString(CultureInfo.InvariantCulture),
        }),
    ];
}
