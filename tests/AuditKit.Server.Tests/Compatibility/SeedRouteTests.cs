namespace AuditKit.Server.Tests.Compatibility;

/// <summary>
/// The seeds' own examples (<see cref="SeedExamples"/>) replayed against the server, run against SQLite and
/// PostgreSQL: the stored native event (every field mapped, unknown fields in metadata) and the seed-shaped answers.
/// </summary>
public abstract class SeedRouteTests(AuditKitServerFixture server)
{
    [Fact]
    public async Task Seed001_event_is_stored_with_every_field_mapped()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);

        var response = await ingest.PostAsync("/api/v2/events", Json(SeedExamples.Seed001Event));

        var answer = await ReadObjectAsync(response, HttpStatusCode.Created);
        var id = answer["event_id"]!.GetValue<string>();
        answer["event_type"]!.GetValue<string>().ShouldBe("auth.login_success");
        answer["result"]!.GetValue<string>().ShouldBe("success");
        answer["service"]!.GetValue<string>().ShouldBe("user-service");
        answer["compliance_tags"]!.AsArray().Select(static t => t!.GetValue<string>()).ShouldBe(["SOX", "GDPR"]);
        answer["details"]!["session_id"]!.GetValue<string>().ShouldBe("sess_123");

        var stored = await (await read.GetAsync($"/api/v1/audit-logs/{id}")).ReadEventAsync();
        stored.Category.ShouldBe("auth.login_success");
        stored.Action.ShouldBe("LOGIN_SUCCESS");
        stored.UserId.ShouldBe("user123");
        stored.Username.ShouldBe("johndoe");
        stored.IpAddress.ShouldBe("192.168.1.100");
        stored.UserAgent.ShouldBe("Mozilla/5.0...");
        stored.ServiceName.ShouldBe("user-service");
        stored.Status.ShouldBe(AuditStatus.Success);
        stored.Tags.ShouldBe(["SOX", "GDPR"]);
        stored.DataClassification.ShouldBe("internal");
        JsonNode.DeepEquals(stored.Metadata, JsonNode.Parse("""{"details":{"mfa_used":false,"session_id":"sess_123"}}""")).ShouldBeTrue(stored.Metadata?.ToJsonString());
    }

    [Fact]
    public async Task Seed001_failure_is_stored_as_FAILURE_and_unknown_fields_are_kept_in_metadata()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var failed = JsonNode.Parse(SeedExamples.Seed001Event)!.AsObject();
        failed["event_type"] = "auth.login_failed";
        failed["action"] = "login_failed";
        failed["result"] = "failure";
        failed["risk_score"] = 87;
        failed["geo"] = new JsonObject { ["country"] = "DE" };

        var response = await ingest.PostAsync("/api/v2/events", Json(failed.ToJsonString()));

        var id = (await ReadObjectAsync(response, HttpStatusCode.Created))["event_id"]!.GetValue<string>();
        var stored = await (await read.GetAsync($"/api/v1/audit-logs/{id}")).ReadEventAsync();
        stored.Status.ShouldBe(AuditStatus.Failure);
        stored.Metadata!["risk_score"]!.GetValue<int>().ShouldBe(87);
        stored.Metadata!["geo"]!["country"]!.GetValue<string>().ShouldBe("DE");

        var query = await ReadObjectAsync(await read.GetAsync(SeedExamples.PathOf(SeedExamples.Seed001QueryFailedLogins)));
        var item = query["events"]!.AsArray().ShouldHaveSingleItem()!;
        item["result"]!.GetValue<string>().ShouldBe("failure");
        item["risk_score"]!.GetValue<int>().ShouldBe(87);
        item["geo"]!["country"]!.GetValue<string>().ShouldBe("DE");
    }

    [Fact]
    public async Task Seed001_result_words_that_are_not_a_status_are_kept()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);

        var response = await ingest.PostAsJsonAsync("/api/v2/events", new { event_type = "auth.login_failed", result = "denied" });

        var id = (await ReadObjectAsync(response, HttpStatusCode.Created))["event_id"]!.GetValue<string>();
        var stored = await (await read.GetAsync($"/api/v1/audit-logs/{id}")).ReadEventAsync();
        stored.Status.ShouldBe(AuditStatus.Failure);
        stored.Metadata!["result"]!.GetValue<string>().ShouldBe("denied");
        await (await ingest.PostAsJsonAsync("/api/v2/events", new { event_type = "x", result = "maybe" })).ShouldBeValidationProblemAsync("result");
    }

    [Fact]
    public async Task Seed001_queries_answer_in_its_shape()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var dashboardPath = SeedExamples.PathOf(SeedExamples.Seed001Dashboard);
        var before = (await ReadObjectAsync(await read.GetAsync(dashboardPath)))["total_events"]!.GetValue<long>();
        (await ingest.PostAsync("/api/v2/events", Json(SeedExamples.Seed001Event))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var other = JsonNode.Parse(SeedExamples.Seed001Event)!.AsObject();
        other["user_id"] = "user456";
        other["event_type"] = "user_login";
        (await ingest.PostAsync("/api/v2/events", Json(other.ToJsonString()))).StatusCode.ShouldBe(HttpStatusCode.Created);

        var logins = await ReadObjectAsync(await read.GetAsync(SeedExamples.PathOf(SeedExamples.Seed001QueryLogins)));
        logins["events"]!.AsArray().ShouldHaveSingleItem()!["user_id"]!.GetValue<string>().ShouldBe("user123");
        logins["total"]!.GetValue<long>().ShouldBe(1);
        logins["limit"]!.GetValue<int>().ShouldBe(10);

        var user = await ReadObjectAsync(await read.GetAsync(SeedExamples.PathOf(SeedExamples.Seed001QueryUser)));
        user["events"]!.AsArray().ShouldHaveSingleItem()!["event_type"]!.GetValue<string>().ShouldBe("auth.login_success");

        var posted = await ReadObjectAsync(await read.PostAsync("/api/v2/events/query", Json("""{"user_id": "user456"}""")));
        posted["events"]!.AsArray().ShouldHaveSingleItem()!["user_id"]!.GetValue<string>().ShouldBe("user456");

        var v1 = await ReadObjectAsync(await read.GetAsync(SeedExamples.PathOf(SeedExamples.Seed001V1Search)));
        v1["logs"]!.AsArray().ShouldHaveSingleItem()!["user_id"]!.GetValue<string>().ShouldBe("user456");

        // The tenant's log also holds the server's own records (its creation, its keys, the reads above).
        var dashboard = await ReadObjectAsync(await read.GetAsync(dashboardPath));
        dashboard["time_range"]!.GetValue<string>().ShouldBe("24h");
        dashboard["total_events"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(before + 2);
        dashboard["events_by_service"]!["user-service"]!.GetValue<long>().ShouldBe(2);
        dashboard["events_by_type"]!["LOGIN_SUCCESS"]!.GetValue<long>().ShouldBe(2);
        dashboard["timeline"]!.AsArray().Sum(static b => b!["count"]!.GetValue<long>()).ShouldBe(dashboard["total_events"]!.GetValue<long>());
    }

    [Fact]
    public async Task Seed001_batch_stores_all_or_nothing()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);

        var batch = await ReadObjectAsync(await ingest.PostAsync(SeedExamples.Seed001BatchRoute, Json($"[{SeedExamples.Seed001Event}, {SeedExamples.Seed001Event}]")));
        batch["created"]!.GetValue<int>().ShouldBe(2);
        batch["event_ids"]!.AsArray().Count.ShouldBe(2);

        var invalid = await ingest.PostAsync(SeedExamples.Seed001BatchRoute, Json($$"""{"events": [{{SeedExamples.Seed001Event}}, {"event_type": "x", "result": "maybe"}]}"""));
        await invalid.ShouldBeValidationProblemAsync("events[1].result");
        var all = await ReadObjectAsync(await read.GetAsync("/api/v2/events/query?service=user-service"));
        all["total"]!.GetValue<long>().ShouldBe(2);
    }

    [Fact]
    public async Task Seed001_health_answers_without_a_key()
    {
        using var client = server.CreateClient();

        var health = await ReadObjectAsync(await client.GetAsync(SeedExamples.PathOf(SeedExamples.Seed001Health)));

        health["status"]!.GetValue<string>().ShouldBe("healthy");
    }

    [Fact]
    public async Task Seed003_curl_example_is_stored_and_read_back_in_its_shape()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);

        var response = await ingest.PostAsync(SeedExamples.PathOf(SeedExamples.Seed003LogEvent), Json(SeedExamples.BodyOf(SeedExamples.Seed003LogEvent)));

        var answer = await ReadObjectAsync(response, HttpStatusCode.Created);
        answer["success"]!.GetValue<bool>().ShouldBeTrue();
        var id = answer["event_id"]!.GetValue<string>();
        var stored = await (await read.GetAsync($"/api/v1/audit-logs/{id}")).ReadEventAsync();
        stored.Severity.ShouldBe(AuditSeverity.Low);
        stored.Status.ShouldBe(AuditStatus.Success);
        stored.Category.ShouldBe("USER_ACTION");
        stored.Action.ShouldBe("USER_LOGIN");
        stored.ServiceName.ShouldBe("auth_service");
        stored.UserId.ShouldBe("user123");
        stored.Description.ShouldBe("User logged in successfully");
        stored.Metadata.ShouldBeNull();

        var page = await ReadObjectAsync(await read.GetAsync(SeedExamples.PathOf(SeedExamples.Seed003QueryEvents)));
        var item = page["events"]!.AsArray().ShouldHaveSingleItem()!;
        item["event_id"]!.GetValue<string>().ShouldBe(id);
        item["level"]!.GetValue<string>().ShouldBe("INFO");
        item["message"]!.GetValue<string>().ShouldBe("User logged in successfully");
        page["total_count"]!.GetValue<long>().ShouldBe(1);
        page["has_more"]!.GetValue<bool>().ShouldBeFalse();

        var byBody = await ReadObjectAsync(await read.PostAsync("/events/query", Json(SeedExamples.Seed003Query)));
        byBody["events"]!.AsArray().ShouldHaveSingleItem()!["event_id"]!.GetValue<string>().ShouldBe(id);

        var one = await ReadObjectAsync(await read.GetAsync($"/events/{id}"));
        one["service_name"]!.GetValue<string>().ShouldBe("auth_service");
        (await read.GetAsync($"/events/{Guid.CreateVersion7()}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Seed003_event_with_every_field_round_trips_and_an_error_is_a_failure()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var posted = JsonNode.Parse(SeedExamples.Seed003FullEvent)!.AsObject();
        posted["team"] = "collectors";

        (await ingest.PostAsync("/events", Json(posted.ToJsonString()))).StatusCode.ShouldBe(HttpStatusCode.Created);

        var id = posted["event_id"]!.GetValue<string>();
        var stored = await (await read.GetAsync($"/api/v1/audit-logs/{id}")).ReadEventAsync();
        stored.Severity.ShouldBe(AuditSeverity.High);
        stored.Status.ShouldBe(AuditStatus.Failure);
        stored.SessionId.ShouldBe("sess-42");
        stored.RequestId.ShouldBe("req-7");
        stored.ResourceType.ShouldBe("job");
        stored.ResourceId.ShouldBe("job-9");
        stored.ErrorCode.ShouldBe("E_TIMEOUT");
        stored.ErrorMessage.ShouldBe("Upstream timed out");
        stored.StackTrace.ShouldBe(posted["stack_trace"]!.GetValue<string>());
        stored.DurationMs.ShouldBe(1532.5);
        stored.Timestamp.ShouldBe(new DateTimeOffset(2025, 3, 1, 8, 30, 0, TimeSpan.Zero));
        JsonNode.DeepEquals(stored.Metadata, JsonNode.Parse("""{"source":"indeed","attempt":3,"team":"collectors"}""")).ShouldBeTrue(stored.Metadata?.ToJsonString());

        var answer = await ReadObjectAsync(await read.GetAsync($"/events/{id}"));
        foreach (var (name, value) in posted.Where(static p => p.Key is not ("metadata" or "team" or "timestamp" or "action")))
        {
            JsonNode.DeepEquals(answer[name], value).ShouldBeTrue($"{name}: {answer[name]?.ToJsonString()}");
        }

        answer["action"]!.GetValue<string>().ShouldBe("JOB_COLLECT");
    }

    [Fact]
    public async Task Seed003_batch_flush_and_health()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        var body = SeedExamples.BodyOf(SeedExamples.Seed003LogEvent);

        var batch = await ReadObjectAsync(await ingest.PostAsync("/events/batch", Json($"[{body}, {body}]")));
        batch["logged"]!.GetValue<int>().ShouldBe(2);

        var flush = await ReadObjectAsync(await ingest.PostAsync("/flush", null));
        flush["success"]!.GetValue<bool>().ShouldBeTrue();
        flush["flushed"]!.GetValue<int>().ShouldBe(0);

        using var anonymous = server.CreateClient();
        var health = await anonymous.GetAsync(SeedExamples.PathOf(SeedExamples.Seed003Health));
        health.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/events?colour=red", "colour")]
    [InlineData("/events?levels=LOUD", "levels")]
    [InlineData("/api/v1/audit/statistics/dashboard?time_range=forever", "time_range")]
    public async Task A_filter_that_cannot_be_applied_is_refused_naming_it(string path, string parameter)
    {
        var tenant = await server.CreateTenantAsync();
        using var read = server.CreateClient(tenant.ReadKey);

        await (await read.GetAsync(path)).ShouldBeValidationProblemAsync(parameter);
    }

    [Fact]
    public async Task Seed_filters_take_several_values_and_the_context_filters()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        (await ingest.PostAsync("/events/batch", Json("""
            {"events": [
              {"service_name": "svc-a", "level": "INFO", "action": "viewed", "session_id": "s-1", "request_id": "r-1"},
              {"service_name": "svc-b", "level": "ERROR", "action": "viewed", "session_id": "s-2", "request_id": "r-2"},
              {"service_name": "svc-c", "level": "WARN", "action": "viewed", "session_id": "s-3", "request_id": "r-3"}
            ]}
            """))).IsSuccessStatusCode.ShouldBeTrue();
        (await ingest.PostAsync("/api/v2/events", Json("""{"event_type": "auth.login_failed", "service": "user-service", "result": "failure", "user_id": "u-1", "username": "alice", "session_id": "s-9"}"""))).IsSuccessStatusCode.ShouldBeTrue();
        (await ingest.PostAsync("/api/v2/events", Json("""{"event_type": "auth.login_success", "service": "user-service", "result": "success", "user_id": "u-2", "username": "bob"}"""))).IsSuccessStatusCode.ShouldBeTrue();

        async Task<long> Seed003TotalAsync(string query) => (await ReadObjectAsync(await read.GetAsync("/events?" + query)))["total_count"]!.GetValue<long>();
        (await Seed003TotalAsync("service_names=svc-a,svc-b")).ShouldBe(2);
        (await Seed003TotalAsync("levels=INFO,ERROR&service_names=svc-a,svc-b,svc-c")).ShouldBe(2);
        (await Seed003TotalAsync("session_id=s-1")).ShouldBe(1);
        (await Seed003TotalAsync("request_ids=r-2,r-3")).ShouldBe(2);

        var posted = await ReadObjectAsync(await read.PostAsync("/events/query", Json("""{"service_names": ["svc-b", "svc-c"], "levels": ["WARN", "ERROR"]}""")));
        posted["total_count"]!.GetValue<long>().ShouldBe(2);

        (await read.GetStringAsync("/api/v2/events/query?event_type=auth.login_failed,auth.login_success")).ShouldContain("alice");
        var bob = await read.GetStringAsync("/api/v2/events/query?username=bob");
        bob.ShouldContain("u-2");
        bob.ShouldNotContain("alice");
        (await read.GetStringAsync("/api/v2/events/query?session_id=s-9")).ShouldContain("alice");
        (await read.GetStringAsync("/api/v2/events/query?result=failure,pending")).ShouldNotContain("bob");
    }

    [Fact]
    public async Task Seed003_errors_name_the_field_and_store_nothing()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);

        await (await ingest.PostAsync("/events", Json("""{"level": "LOUD", "action": "x"}"""))).ShouldBeValidationProblemAsync("level");
        await (await ingest.PostAsync("/events", Json("""{"level": "INFO", "action": "x", "stack_trace": 42}"""))).ShouldBeValidationProblemAsync("stack_trace");
        await (await ingest.PostAsync("/events", Json("""{"level": "INFO", "action": "x", "metadata": {"team": 1}, "team": 2}"""))).ShouldBeValidationProblemAsync("team");
        await (await ingest.PostAsync("/events", Json("""{"level": "INFO" """))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Keys_and_roles_are_those_of_the_native_api()
    {
        var tenant = await server.CreateTenantAsync();
        using var anonymous = server.CreateClient();
        using var read = server.CreateClient(tenant.ReadKey);
        using var xApiKey = server.CreateClient();
        xApiKey.DefaultRequestHeaders.Add("X-Api-Key", tenant.IngestKey);
        var body = SeedExamples.BodyOf(SeedExamples.Seed003LogEvent);

        (await anonymous.PostAsync("/events", Json(body))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("/api/v2/events/query")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await read.PostAsync("/api/v2/events", Json(SeedExamples.Seed001Event))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await xApiKey.GetAsync("/events")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await xApiKey.PostAsync("/events", Json(body))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await xApiKey.PostAsync("/api/v2/events", Json(SeedExamples.Seed001Event))).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_seed_event_with_a_known_id_is_stored_once()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);

        (await ingest.PostAsync("/events", Json(SeedExamples.Seed003FullEvent))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var again = await ReadObjectAsync(await ingest.PostAsync("/events", Json(SeedExamples.Seed003FullEvent)));

        again["status"]!.GetValue<string>().ShouldBe("duplicate");
        (await ReadObjectAsync(await read.GetAsync("/events?service_names=job_collection_service")))["total_count"]!.GetValue<long>().ShouldBe(1);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        await response.ShouldHaveStatusAsync(status);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }
}

public sealed class SqliteSeedRouteTests(SqliteServerFixture server) : SeedRouteTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresSeedRouteTests(PostgresServerFixture server) : SeedRouteTests(server), IClassFixture<PostgresServerFixture>;
