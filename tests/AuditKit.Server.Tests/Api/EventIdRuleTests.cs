namespace AuditKit.Server.Tests.Api;

/// <summary>
/// The id rule on both providers: an event's id is a UUIDv7 whose time lies within <see cref="EventIdRule.Tolerance"/>
/// of its timestamp. Native routes refuse any other id (naming <c>id</c>, per item in a batch); the server makes
/// missing ids at the event's timestamp; the seed routes re-key their clients' ids the same way every time. A
/// time-range query finds exactly the events stamped in it, at the tolerance's edges and across a month's bound.
/// </summary>
public abstract class EventIdRuleTests(AuditKitServerFixture server)
{
    private const string Single = "/api/v1/audit-logs";
    private const string Batch = "/api/v1/audit-logs/batch";

    // Just before a month's bound, so ids at the tolerance's edges fall either side of it (and of a partition's).
    private static readonly DateTimeOffset s_at = new(2024, 11, 30, 23, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_id_that_is_not_a_uuidv7_of_its_events_time_is_refused_naming_id()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);

        await (await ingest.PostAsJsonAsync(Single, Event(Guid.NewGuid(), s_at))).ShouldBeValidationProblemAsync("id");
        await (await ingest.PostAsJsonAsync(Single, Event(IdAt(s_at + EventIdRule.Tolerance + TimeSpan.FromMilliseconds(1)), s_at)))
            .ShouldBeValidationProblemAsync("id");
        await (await ingest.PostAsJsonAsync(Single, Event(IdAt(s_at - EventIdRule.Tolerance - TimeSpan.FromMilliseconds(1)), s_at)))
            .ShouldBeValidationProblemAsync("id");
        (await ingest.PostAsJsonAsync(Single, Event(IdAt(s_at + EventIdRule.Tolerance), s_at))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await ingest.PostAsJsonAsync(Single, Event(IdAt(s_at - EventIdRule.Tolerance), s_at))).StatusCode.ShouldBe(HttpStatusCode.Created);

        var good = AuditEventIds.New(s_at);
        var result = await (await ingest.PostAsJsonAsync(Batch, new[] { Event(good, s_at), Event(Guid.NewGuid(), s_at), Event(AuditEventIds.New(s_at.AddDays(-2)), s_at) }))
            .ReadBatchResultAsync();
        result.Items.Select(static i => i.Status).ShouldBe(["accepted", "rejected", "rejected"]);
        result.Items[1].Errors!.ShouldHaveSingleItem().Field.ShouldBe("id");
        result.Items[2].Errors!.ShouldHaveSingleItem().Field.ShouldBe("id");
        result.Items[0].Id.ShouldBe(good);
    }

    [Fact]
    public async Task A_missing_id_is_made_at_the_events_timestamp()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        var old = new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

        var response = await ingest.PostAsJsonAsync(Single, new { action = "LOGIN", timestamp = old.ToString("O", CultureInfo.InvariantCulture) });

        await response.ShouldHaveStatusAsync(HttpStatusCode.Created);
        var stored = await response.ReadEventAsync();
        EventIdRule.IsVersion7(stored.Id).ShouldBeTrue();
        EventIdRule.Milliseconds(stored.Id).ShouldBe(old.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task A_seed_clients_uuid4_is_re_keyed_at_its_timestamp_the_same_way_on_a_retry()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var original = Guid.NewGuid().ToString();
        var body = new JsonObject
        {
            ["event_id"] = original, ["timestamp"] = "2024-10-02T08:00:00Z", ["level"] = "INFO", ["category"] = "USER_ACTION",
            ["action"] = "user_login", ["service_name"] = "auth_service",
        }.ToJsonString();

        var first = await ingest.PostAsync("/events", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var retry = await ingest.PostAsync("/events", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await first.ShouldHaveStatusAsync(HttpStatusCode.Created);
        var firstAnswer = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        var retryAnswer = JsonNode.Parse(await retry.Content.ReadAsStringAsync())!;
        var id = Guid.Parse(firstAnswer["event_id"]!.GetValue<string>());
        retryAnswer["event_id"]!.GetValue<string>().ShouldBe(id.ToString());
        retryAnswer["status"]!.GetValue<string>().ShouldBe("duplicate");
        id.ShouldBe(EventIdRule.Derive(new DateTimeOffset(2024, 10, 2, 8, 0, 0, TimeSpan.Zero), original));
        EventIdRule.Holds(id, new DateTimeOffset(2024, 10, 2, 8, 0, 0, TimeSpan.Zero)).ShouldBeTrue();
        var stored = await (await read.GetAsync($"{Single}/{id}")).ReadEventAsync();
        stored.Metadata!["event_id"]!.GetValue<string>().ShouldBe(original);
    }

    [Fact]
    public async Task A_time_range_finds_exactly_the_events_stamped_in_it_at_the_tolerances_edges()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var bound = new DateTimeOffset(2024, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var tick = TimeSpan.FromMilliseconds(1);

        // Stamped on either side of the bound, with ids as far across (or away from) it as the rule allows.
        var events = new[]
        {
            Event(IdAt(bound - tick + EventIdRule.Tolerance), bound - tick),
            Event(IdAt(bound - TimeSpan.FromMinutes(30) - EventIdRule.Tolerance), bound - TimeSpan.FromMinutes(30)),
            Event(IdAt(bound - EventIdRule.Tolerance), bound),
            Event(IdAt(bound + TimeSpan.FromMinutes(59) + EventIdRule.Tolerance), bound + TimeSpan.FromMinutes(59)),
            Event(IdAt(bound + TimeSpan.FromHours(1)), bound + TimeSpan.FromHours(1)),
        };
        var ids = (await (await ingest.PostAsJsonAsync(Batch, events)).ReadBatchResultAsync()).Items.Select(static i => i.Id!.Value).ToArray();

        (await RangeAsync(read, bound - TimeSpan.FromHours(1), bound)).ShouldBe([ids[0], ids[1]], ignoreOrder: true);
        (await RangeAsync(read, bound, bound + TimeSpan.FromHours(1))).ShouldBe([ids[2], ids[3]], ignoreOrder: true);
        (await RangeAsync(read, bound - tick, bound + tick)).ShouldBe([ids[0], ids[2]], ignoreOrder: true);
        (await RangeAsync(read, bound - TimeSpan.FromDays(1), bound + TimeSpan.FromDays(1))).Length.ShouldBe(5);
        (await RangeAsync(read, bound + TimeSpan.FromHours(1), bound + TimeSpan.FromDays(1))).ShouldBe([ids[4]]);
    }

    private static async Task<Guid[]> RangeAsync(HttpClient read, DateTimeOffset from, DateTimeOffset to)
    {
        var url = $"{Single}?from_date={Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture))}" +
            $"&to_date={Uri.EscapeDataString(to.ToString("O", CultureInfo.InvariantCulture))}&limit=100";
        return [.. (await (await read.GetAsync(url)).ReadPageAsync()).Items.Select(static e => e.Id)];
    }

    /// <summary>A UUIDv7 of the millisecond of <paramref name="at"/>.</summary>
    private static Guid IdAt(DateTimeOffset at) => AuditEventIds.New(at);

    private static object Event(Guid id, DateTimeOffset at) =>
        new { id, action = "READ", timestamp = at.ToString("O", CultureInfo.InvariantCulture), user_id = "alice" };
}

public sealed class PostgresEventIdRuleTests(PostgresServerFixture server) : EventIdRuleTests(server), IClassFixture<PostgresServerFixture>;

public sealed class SqliteEventIdRuleTests(SqliteServerFixture server) : EventIdRuleTests(server), IClassFixture<SqliteServerFixture>;
