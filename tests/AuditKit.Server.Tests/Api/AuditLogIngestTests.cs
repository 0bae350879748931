using System.IO.Compression;

namespace AuditKit.Server.Tests.Api;

/// <summary>POST /api/v1/audit-logs and /batch, run against SQLite and PostgreSQL.</summary>
public abstract class AuditLogIngestTests(AuditKitServerFixture server)
{
    private const string Single = "/api/v1/audit-logs";
    private const string Batch = "/api/v1/audit-logs/batch";

    [Fact]
    public async Task A_posted_event_round_trips_with_every_field()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var posted = StorageTestEvents.Full(new DateTimeOffset(2025, 2, 28, 17, 45, 12, 123, TimeSpan.Zero).AddTicks(4560));
        posted.TenantId = null;
        var id = posted.Id;

        var response = await ingest.PostAsync(Single, JsonContent.Create(posted, AuditJsonContext.Default.AuditEvent));

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/audit-logs/{id}");
        var created = await response.ReadEventAsync();
        created.ReceivedAt.ShouldNotBeNull();
        created.TenantId.ShouldBe(tenant.Id);

        var stored = await (await read.GetAsync($"{Single}/{id}")).ReadEventAsync();
        var expected = JsonSerializer.SerializeToNode(created, AuditJsonContext.Default.AuditEvent);
        var actual = JsonSerializer.SerializeToNode(stored, AuditJsonContext.Default.AuditEvent);
        JsonNode.DeepEquals(expected, actual).ShouldBeTrue($"posted {expected}\nstored {actual}");
        stored.Timestamp.ShouldBe(posted.Timestamp);
        stored.StackTrace.ShouldBe(posted.StackTrace);
        stored.Changes!.Count.ShouldBe(3);
        stored.Changes[0].New!.GetValue<string>().ShouldBe("blocked");
        stored.NewValues!["flag"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Missing_id_and_timestamp_are_assigned_by_the_server()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        var before = server.Time.GetUtcNow();

        var created = await (await ingest.PostAsJsonAsync(Single, new { action = "LOGIN" })).ReadEventAsync();

        created.Id.Version.ShouldBe(7);
        created.Timestamp.ShouldBeGreaterThanOrEqualTo(before);
        created.Timestamp.ShouldBeLessThanOrEqualTo(server.Time.GetUtcNow());
        created.ReceivedAt!.Value.ShouldBeGreaterThanOrEqualTo(created.Timestamp);
        created.Source.ShouldBe(AuditSources.Manual);
    }

    [Fact]
    public async Task The_legacy_client_payload_is_accepted_and_answered_with_the_stored_event()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);

        // What the replaced audit service's Python client sends: aliases, lower-case action and status, values as JSON strings.
        var payload = """
            {
              "user_id": "emp-7", "action": "updated", "log_type": "leave_request",
              "entity_type": "LeaveRequest", "entity_id": "42", "service_name": "leave-management-service",
              "status": "success", "description": "Leave request 42 updated",
              "old_values": "{\"status\": \"pending\", \"reason\": \"trip\"}",
              "new_values": "{\"status\": \"approved\"}",
              "ip_address": "10.0.0.8", "user_agent": "python-httpx/0.27.0", "request_id": "r-1"
            }
            """;
        var response = await ingest.PostAsync(Single, new StringContent(payload, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        var id = root.GetProperty("id").GetString()!;
        root.GetProperty("action").GetString().ShouldBe("UPDATED");
        root.GetProperty("category").GetString().ShouldBe("leave_request");
        root.GetProperty("resource_type").GetString().ShouldBe("LeaveRequest");
        root.GetProperty("resource_id").GetString().ShouldBe("42");
        root.GetProperty("status").GetString().ShouldBe("SUCCESS");
        root.GetProperty("old_values").GetProperty("reason").GetString().ShouldBe("trip");
        root.GetProperty("new_values").GetProperty("status").GetString().ShouldBe("approved");

        var stored = await (await read.GetAsync($"{Single}/{id}")).ReadEventAsync();
        stored.Category.ShouldBe("leave_request");
        stored.OldValues!["status"]!.GetValue<string>().ShouldBe("pending");

        // The Go client sends every field, with old/new values as strings and statuses in lower case too.
        var go = await ingest.PostAsync(Single, new StringContent(
            """{"user_id":"emp-7","action":"create_failed","log_type":"leave_request","entity_type":"LeaveRequest","entity_id":"unknown","service_name":"leave-management-service","status":"failure","error_message":"db down"}""",
            Encoding.UTF8,
            "application/json"));
        var failed = await go.ReadEventAsync();
        failed.Action.ShouldBe("CREATE_FAILED");
        failed.Status.ShouldBe(AuditStatus.Failure);
    }

    [Fact]
    public async Task Posting_the_same_id_twice_stores_it_once()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var id = AuditEventIds.New(server.Time.GetUtcNow());

        var first = await ingest.PostAsJsonAsync(Single, new { id, action = "DELETE", resource_id = "r-1", description = "first" });
        var second = await ingest.PostAsJsonAsync(Single, new { id, action = "DELETE", resource_id = "r-1", description = "second" });

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        var duplicate = JsonNode.Parse(await second.Content.ReadAsStringAsync())!.AsObject();
        duplicate.Select(static p => p.Key).ShouldBe(["id", "status", "seq", "hash"], ignoreOrder: true);
        duplicate["id"]!.GetValue<Guid>().ShouldBe(id);
        duplicate["status"]!.GetValue<string>().ShouldBe("duplicate");
        var page = await (await read.GetAsync($"{Single}?resource_id=r-1")).ReadPageAsync();
        page.Total.ShouldBe(1);
    }

    [Fact]
    public async Task An_ingest_key_that_knows_an_id_learns_nothing_stored_under_it()
    {
        var victim = await server.CreateTenantAsync();
        var home = await server.CreateTenantAsync();
        using var bootstrap = server.CreateClient(AuditKitServerFixture.BootstrapKey);
        var writesForVictim = await AuditKitServerFixture.CreateKeyAsync(bootstrap, home.Id, "ingest", new { role = "ingest", allowed_tenants = new[] { victim.Id } });
        using var victimIngest = server.CreateClient(victim.IngestKey);
        using var multiTenant = server.CreateClient(writesForVictim);
        var id = AuditEventIds.New(server.Time.GetUtcNow());
        const string Secret = "wire-transfer-7741-to-acct-0099";
        (await victimIngest.PostAsJsonAsync(Single, new { id, action = "UPDATE", resource_id = "acct-1", user_id = "treasurer", description = Secret }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        foreach (var ingest in new[] { victimIngest, multiTenant })
        {
            var single = await ingest.PostAsJsonAsync(Single, new { id, action = "READ", tenant_id = victim.Id });
            single.StatusCode.ShouldBe(HttpStatusCode.OK);
            var text = await single.Content.ReadAsStringAsync();
            // Nothing of the stored event but its place in the chain (seq, and a hash that reveals no value).
            JsonNode.Parse(text)!.AsObject().Select(static p => p.Key).ShouldBe(["id", "status", "seq", "hash"], ignoreOrder: true);
            text.ShouldNotContain(Secret);
            text.ShouldNotContain("treasurer");

            var batch = await ingest.PostAsJsonAsync(Batch, new object[] { new { id, action = "READ", tenant_id = victim.Id } });
            batch.StatusCode.ShouldBe(HttpStatusCode.OK);
            var batchText = await batch.Content.ReadAsStringAsync();
            batchText.ShouldNotContain(Secret);
            batchText.ShouldNotContain("treasurer");
            JsonNode.Parse(batchText)!["items"]![0]!.AsObject().Select(static p => p.Key).ShouldBe(["index", "id", "status", "seq", "hash"], ignoreOrder: true);
        }

        using var read = server.CreateClient(victim.ReadKey);
        (await (await read.GetAsync($"{Single}/{id}")).ReadEventAsync()).Description.ShouldBe(Secret);
    }

    [Fact]
    public async Task A_batch_answers_per_item_and_stores_only_the_valid_events()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        Guid[] ids = [.. Enumerable.Range(0, 4).Select(_ => AuditEventIds.New(server.Time.GetUtcNow()))];
        var batch = $$"""
            [
              { "id": "{{ids[0]}}", "action": "CREATE", "resource_type": "Order" },
              { "id": "{{ids[1]}}", "action": "CREATE", "severity": "HUGE", "status_code": "abc" },
              { "id": "{{ids[2]}}", "action": "READ", "resource_type": "Order" },
              { "id": "{{ids[3]}}", "resource_type": "Order" },
              42,
              { "id": "{{ids[0]}}", "action": "CREATE", "resource_type": "Order" }
            ]
            """;

        var result = await (await ingest.PostAsync(Batch, new StringContent(batch, Encoding.UTF8, "application/json"))).ReadBatchResultAsync();

        result.Items.Select(static i => i.Status).ShouldBe(["accepted", "rejected", "accepted", "rejected", "rejected", "duplicate"]);
        result.Items.Select(static i => i.Index).ShouldBe([0, 1, 2, 3, 4, 5]);
        (result.Accepted, result.Duplicates, result.Rejected).ShouldBe((2, 1, 3));
        result.Items[1].Id.ShouldBe(ids[1]);
        result.Items[1].Errors!.Select(static e => e.Field).ShouldBe(["severity", "status_code"], ignoreOrder: true);
        result.Items[3].Errors!.ShouldHaveSingleItem().Field.ShouldBe("action");
        result.Items[4].Errors!.ShouldHaveSingleItem().Field.ShouldBe("body");

        var page = await (await read.GetAsync($"{Single}?resource=Order")).ReadPageAsync();
        page.Items.Select(static e => e.Id).ShouldBe([ids[0], ids[2]], ignoreOrder: true);
        (await read.GetAsync($"{Single}/{ids[1]}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await read.GetAsync($"{Single}/{ids[3]}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_repeated_batch_is_all_duplicates()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var events = Enumerable.Range(0, 5).Select(i => new { id = AuditEventIds.New(server.Time.GetUtcNow()), action = "EXPORT", resource_id = $"file-{i}" }).ToArray();

        var first = await (await ingest.PostAsJsonAsync(Batch, new { events })).ReadBatchResultAsync();
        var retry = await (await ingest.PostAsJsonAsync(Batch, events)).ReadBatchResultAsync();

        first.Accepted.ShouldBe(5);
        retry.Duplicates.ShouldBe(5);
        retry.Items.ShouldAllBe(static i => i.Status == "duplicate");
        (await (await read.GetAsync($"{Single}?action=EXPORT")).ReadPageAsync()).Total.ShouldBe(5);
    }

    [Fact]
    public async Task A_gzip_batch_is_accepted()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        var events = Enumerable.Range(0, 200).Select(static i => new { action = "READ", resource_id = $"doc-{i}", description = new string('x', 200) }).ToArray();

        var result = await (await ingest.PostAsync(Batch, Gzip(JsonSerializer.SerializeToUtf8Bytes(events)))).ReadBatchResultAsync();

        result.Accepted.ShouldBe(200);
    }

    [Fact]
    public async Task A_corrupt_gzip_body_is_a_bad_request()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        var content = new ByteArrayContent([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        await (await ingest.PostAsync(Batch, content)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("""{ "action": "LOGIN", """, "body")]
    [InlineData("""{ "action": "LOGIN", "status_code": abc }""", "status_code")]
    [InlineData("""{ "action": "LOGIN", "status_code": "abc" }""", "status_code")]
    [InlineData("""{ "action": "LOGIN", "severity": "HUGE" }""", "severity")]
    [InlineData("""{ "action": "LOGIN", "status": "MAYBE" }""", "status")]
    [InlineData("""{ "resource_type": "User" }""", "action")]
    [InlineData("""{ "action": "   " }""", "action")]
    [InlineData("""{ "action": 5 }""", "action")]
    [InlineData("""{ "action": "LOGIN", "timestamp": "yesterday" }""", "timestamp")]
    [InlineData("""{ "action": "LOGIN", "id": "12" }""", "id")]
    [InlineData("""{ "action": "LOGIN", "ip_address": "not-an-ip" }""", "ip_address")]
    [InlineData("""{ "action": "LOGIN", "old_values": "not json" }""", "old_values")]
    [InlineData("""{ "action": "LOGIN", "tags": "GDPR" }""", "tags")]
    [InlineData("""[ { "action": "LOGIN" } ]""", "body")]
    [InlineData("""null""", "body")]
    public async Task An_invalid_event_is_a_validation_problem_naming_its_field(string json, string field)
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);

        var response = await ingest.PostAsync(Single, new StringContent(json, Encoding.UTF8, "application/json"));

        await response.ShouldBeValidationProblemAsync(field);
    }

    [Fact]
    public async Task A_body_declared_as_something_other_than_json_is_unsupported()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);

        var response = await ingest.PostAsync(Single, new StringContent("""{ "action": "LOGIN" }""", Encoding.UTF8, "text/plain"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        problem.GetProperty("detail").GetString()!.ShouldContain("application/json");
    }

    [Fact]
    public async Task A_too_long_string_is_a_validation_problem()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);

        var response = await ingest.PostAsJsonAsync(Single, new { action = "LOGIN", resource_type = new string('R', AuditEventLimits.ResourceType + 1) });

        await response.ShouldBeValidationProblemAsync("resource_type");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("""{ "events": [] }""")]
    [InlineData("""{ "events": [ { "action": "READ" } """)]
    public async Task An_unusable_batch_body_is_a_bad_request(string json)
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);

        var response = await ingest.PostAsync(Batch, new StringContent(json, Encoding.UTF8, "application/json"));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task More_than_a_thousand_events_is_too_large()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        var events = Enumerable.Range(0, AuditEventLimits.BatchEvents + 1).Select(static _ => new { action = "READ" }).ToArray();

        var response = await ingest.PostAsJsonAsync(Batch, events);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        problem.GetProperty("detail").GetString()!.ShouldContain("1001");
        using var read = server.CreateClient(tenant.ReadKey);
        (await (await read.GetAsync($"{Single}?action=READ")).ReadPageAsync()).Total.ShouldBe(0);
    }

    [Fact]
    public async Task A_batch_over_five_megabytes_after_decompression_is_too_large()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        var events = Enumerable.Range(0, 700).Select(static _ => new { action = "READ", description = new string('z', 4000), error_message = new string('y', 4000) }).ToArray();
        var json = JsonSerializer.SerializeToUtf8Bytes(events);
        json.Length.ShouldBeGreaterThan(AuditEventLimits.BatchBytes);

        var gzipped = Gzip(json);
        (await gzipped.ReadAsByteArrayAsync()).Length.ShouldBeLessThan(AuditEventLimits.BatchBytes / 50);
        await (await ingest.PostAsync(Batch, gzipped)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await (await ingest.PostAsync(Batch, new ByteArrayContent(json) { Headers = { ContentType = new("application/json") } }))
            .ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_single_event_over_its_size_limit_is_too_large()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        var metadata = Enumerable.Range(0, 40).ToDictionary(static i => $"k{i}", static _ => new string('m', 8000));

        var response = await ingest.PostAsJsonAsync(Single, new { action = "READ", metadata });

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task An_event_for_another_tenant_is_rejected()
    {
        var tenant = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);

        await (await ingest.PostAsJsonAsync(Single, new { action = "READ", tenant_id = other.Id })).ShouldBeValidationProblemAsync("tenant_id");
        var batch = await (await ingest.PostAsJsonAsync(Batch, new object[] { new { action = "READ", tenant_id = other.Id }, new { action = "READ", tenant_id = tenant.Id } })).ReadBatchResultAsync();

        batch.Items.Select(static i => i.Status).ShouldBe(["rejected", "accepted"]);
        batch.Items[0].Errors!.ShouldHaveSingleItem().Field.ShouldBe("tenant_id");
        using var otherRead = server.CreateClient(other.ReadKey);
        (await (await otherRead.GetAsync($"{Single}?action=READ")).ReadPageAsync()).Total.ShouldBe(0);
    }

    [Fact]
    public async Task A_key_allowed_to_write_for_another_tenant_may_set_tenant_id()
    {
        var home = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        using var bootstrap = server.CreateClient(AuditKitServerFixture.BootstrapKey);
        var key = await AuditKitServerFixture.CreateKeyAsync(bootstrap, home.Id, "ingest", new { role = "ingest", allowed_tenants = new[] { other.Id } });
        using var ingest = server.CreateClient(key);

        var result = await (await ingest.PostAsJsonAsync(Batch, new object[]
        {
            new { action = "IMPORT", resource_id = "a" },
            new { action = "IMPORT", resource_id = "b", tenant_id = other.Id },
        })).ReadBatchResultAsync();

        result.Accepted.ShouldBe(2);
        using var homeRead = server.CreateClient(home.ReadKey);
        using var otherRead = server.CreateClient(other.ReadKey);
        (await (await homeRead.GetAsync($"{Single}?action=IMPORT")).ReadPageAsync()).Items.ShouldHaveSingleItem().ResourceId.ShouldBe("a");
        var otherEvent = (await (await otherRead.GetAsync($"{Single}?action=IMPORT")).ReadPageAsync()).Items.ShouldHaveSingleItem();
        otherEvent.ResourceId.ShouldBe("b");
        otherEvent.TenantId.ShouldBe(other.Id);
    }

    [Theory]
    [InlineData("""{ "action": "CREATE", "source": "server" }""", "source")]
    [InlineData("""{ "action": "CREATE", "source": " Server " }""", "source")]
    [InlineData("""{ "action": "CREATE", "category": "admin" }""", "category")]
    [InlineData("""{ "action": "CREATE", "category": " ADMIN " }""", "category")]
    [InlineData("""{ "action": "CREATE", "log_type": "admin" }""", "category")]
    [InlineData("""{ "action": "EXPORT", "category": "access" }""", "category")]
    [InlineData("""{ "action": "UPDATE", "category": "alert" }""", "category")]
    [InlineData("""{ "action": "DELETE", "category": "Retention" }""", "category")]
    [InlineData("""{ "action": "LOGIN", "category": "console" }""", "category")]
    [InlineData("""{ "action": "CREATE", "service_name": "auditkit-server" }""", "service_name")]
    [InlineData("""{ "action": "CREATE", "service_name": " AuditKit-Server" }""", "service_name")]
    public async Task A_value_reserved_for_the_servers_own_records_is_refused_naming_its_field(string json, string field)
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);

        var response = await ingest.PostAsync(Single, new StringContent(json, Encoding.UTF8, "application/json"));

        await response.ShouldBeValidationProblemAsync(field);
    }

    [Fact]
    public async Task A_forged_admin_record_is_refused_on_every_reserved_field_and_nothing_is_stored()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var before = (await (await read.GetAsync($"{Single}?category=admin&include_total=exact")).ReadPageAsync()).Total;

        var response = await ingest.PostAsJsonAsync(Single, new
        {
            action = "CREATE",
            source = "server",
            category = "admin",
            service_name = "auditkit-server",
            user_id = "bootstrap-admin",
            resource_type = "ApiKey",
        });

        await response.ShouldBeValidationProblemAsync("source", "category", "service_name");
        (await (await read.GetAsync($"{Single}?category=admin&include_total=exact")).ReadPageAsync()).Total.ShouldBe(before);
        (await (await read.GetAsync($"{Single}?user_id=bootstrap-admin&resource_type=ApiKey&action=CREATE")).ReadPageAsync())
            .Items.ShouldAllBe(e => e.Source == AuditSources.Server);
    }

    [Fact]
    public async Task A_forged_item_of_a_batch_is_rejected_alone()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);

        var result = await (await ingest.PostAsJsonAsync(Batch, new object[]
        {
            new { action = "IMPORT", resource_id = "a" },
            new { action = "IMPORT", resource_id = "forged", category = "admin", service_name = "auditkit-server" },
            new { action = "IMPORT", resource_id = "b", source = "server" },
            new { action = "IMPORT", resource_id = "c" },
        })).ReadBatchResultAsync();

        result.Accepted.ShouldBe(2);
        result.Items[1].Status.ShouldBe(AuditBatchItemStatus.Rejected);
        result.Items[1].Errors!.Select(static e => e.Field).ShouldBe(["category", "service_name"], ignoreOrder: true);
        result.Items[2].Errors!.ShouldHaveSingleItem().Field.ShouldBe("source");
        (await (await read.GetAsync($"{Single}?action=IMPORT&sort_order=asc")).ReadPageAsync()).Items
            .Select(static e => e.ResourceId).ShouldBe(["a", "c"], ignoreOrder: true);
    }

    [Fact]
    public async Task The_servers_own_records_carry_the_server_source()
    {
        var tenant = await server.CreateTenantAsync();
        using var read = server.CreateClient(tenant.ReadKey);

        var admin = (await (await read.GetAsync($"{Single}?category=admin&resource_type=ApiKey")).ReadPageAsync()).Items;

        admin.ShouldNotBeEmpty();
        admin.ShouldAllBe(e => e.Source == AuditSources.Server && e.ServiceName == "auditkit-server");
        var byServer = (await (await read.GetAsync($"{Single}?source=server&include_total=exact")).ReadPageAsync()).Total;
        byServer.ShouldBe((await (await read.GetAsync($"{Single}?include_total=exact")).ReadPageAsync()).Total);
    }

    [Theory]
    [InlineData(60 * 60)]
    [InlineData(5 * 60 + 2)]
    public async Task A_timestamp_further_ahead_than_the_clock_skew_is_refused(int secondsAhead)
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);

        var response = await ingest.PostAsJsonAsync(Single, new { action = "LOGIN", timestamp = server.Time.GetUtcNow().AddSeconds(secondsAhead) });

        await response.ShouldBeValidationProblemAsync("timestamp");
        var batch = await (await ingest.PostAsJsonAsync(Batch, new object[]
        {
            new { action = "LOGIN", timestamp = new DateTimeOffset(2999, 1, 1, 0, 0, 0, TimeSpan.Zero) },
            new { action = "LOGIN" },
        })).ReadBatchResultAsync();
        batch.Accepted.ShouldBe(1);
        batch.Items[0].Errors!.ShouldHaveSingleItem().Field.ShouldBe("timestamp");
    }

    [Fact]
    public async Task A_timestamp_within_the_clock_skew_is_accepted()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        var ahead = server.Time.GetUtcNow().AddMinutes(4);

        var created = await (await ingest.PostAsJsonAsync(Single, new { action = "LOGIN", timestamp = ahead })).ReadEventAsync();

        created.Timestamp.ShouldBe(ahead, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task An_old_timestamp_is_accepted_and_received_at_is_the_servers()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var old = new DateTimeOffset(2020, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var before = server.Time.GetUtcNow();

        var created = await (await ingest.PostAsJsonAsync(Single, new { action = "LOGIN", timestamp = old, received_at = old })).ReadEventAsync();

        var after = server.Time.GetUtcNow();
        var stored = await (await read.GetAsync($"{Single}/{created.Id}")).ReadEventAsync();
        stored.Timestamp.ShouldBe(old);
        stored.ReceivedAt.ShouldNotBeNull().ShouldBeInRange(before.AddTicks(-10), after);
    }

    private static ByteArrayContent Gzip(byte[] json)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json);
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }
}

public sealed class SqliteAuditLogIngestTests(SqliteServerFixture server) : AuditLogIngestTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresAuditLogIngestTests(PostgresServerFixture server) : AuditLogIngestTests(server), IClassFixture<PostgresServerFixture>;
