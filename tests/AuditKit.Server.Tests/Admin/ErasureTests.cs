namespace AuditKit.Server.Tests.Admin;

/// <summary>
/// <c>POST /api/v1/admin/tenants/{id}/erasures</c> on SQLite and PostgreSQL (as the runtime role, through the owner's
/// function): the user's personal values leave every read, the chain still verifies, other users keep theirs, and the
/// erasure is a server record that names the user only by digest.
/// </summary>
public abstract class ErasureTests(AuditKitServerFixture server)
{
    private const string Logs = "/api/v1/audit-logs";

    [Fact]
    public async Task Erasure_removes_the_users_values_from_every_read_and_the_chain_still_verifies()
    {
        var tenant = await server.CreateTenantAsync();
        var alice = Person.New("alice", "198.51.100.7");
        var bob = Person.New("bob", "198.51.100.8");
        var events = new List<object>();
        for (var i = 0; i < 3; i++)
        {
            events.Add(alice.Event($"order placed {i}"));
        }

        events.Add(bob.Event("order placed by another"));
        events.Add(bob.Event("order shipped"));
        await (await server.CreateClient(tenant.IngestKey).PostAsJsonAsync($"{Logs}/batch", events)).ShouldHaveStatusAsync(HttpStatusCode.OK);
        var read = server.CreateClient(tenant.ReadKey);
        (await read.GetStringAsync(Logs)).ShouldContain(alice.UserAgent);
        await WaitForDetectionAsync(tenant.Id, alice.UserId);

        var erased = await EraseAsync(tenant.Id, tenant.AdminKey, alice.UserId);

        erased["events_erased"]!.GetValue<long>().ShouldBe(3);
        var erasureId = erased["erasure_id"]!.GetValue<string>();
        (await read.GetFromJsonAsync<JsonNode>("/api/v1/integrity/verify"))!["ok"]!.GetValue<bool>().ShouldBeTrue();

        var list = await read.GetStringAsync($"{Logs}?limit=100");
        var search = await read.GetStringAsync($"{Logs}?search=order&limit=100");
        var json = await read.GetStringAsync($"{Logs}/export");
        var csv = await read.GetStringAsync($"{Logs}/export?format=csv");
        var ndjson = await read.GetStringAsync($"{Logs}/export?format=ndjson");
        var summary = await read.GetStringAsync($"{Logs}/summary?top=50");
        foreach (var (name, text) in new[] { ("list", list), ("search", search), ("json", json), ("csv", csv), ("ndjson", ndjson), ("summary", summary) })
        {
            foreach (var value in alice.Values)
            {
                text.ShouldNotContain(value, Case.Sensitive, $"{name} on {server.Provider}");
            }

            foreach (var value in name == "summary" ? [bob.UserId, bob.IpAddress] : bob.Values)
            {
                text.ShouldContain(value, Case.Sensitive, $"{name} on {server.Provider}");
            }
        }

        // The erased events are still there, with everything but the personal values.
        var found = JsonNode.Parse(search)!["items"]!.AsArray();
        var kept = found.Where(static e => e!["description"]!.GetValue<string>() is "order placed 0" or "order placed 1" or "order placed 2").ToList();
        kept.Count.ShouldBe(3);
        kept.ShouldAllBe(static e => e!["user_id"] == null && e["username"] == null && e["user_email"] == null && e["ip_address"] == null && e["user_agent"] == null);
        kept.ShouldAllBe(static e => e!["action"]!.GetValue<string>() == "UPDATE");
        (await server.StoredDataContainsAsync(alice.Email)).ShouldBeFalse();
        (await server.StoredDataContainsAsync(alice.UserAgent)).ShouldBeFalse();
        (await server.StoredDataContainsAsync(alice.Username)).ShouldBeFalse();
        (await server.StoredDataContainsAsync(bob.Email)).ShouldBeTrue();
        foreach (var table in DetectionTables)
        {
            (await CountAsync(table, tenant.Id, alice.UserId)).ShouldBe(0, table);
        }

        (await CountAsync(DetectionTables[0], tenant.Id, bob.UserId)).ShouldBe(1);

        // The erasure is a server record: who, when and how many, with the subject as a digest only.
        var record = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static l => JsonNode.Parse(l)!)
            .Single(e => e["resource_type"]?.GetValue<string>() == ErasureEndpoints.ResourceType);
        record["resource_id"]!.GetValue<string>().ShouldBe(erasureId);
        record["source"]!.GetValue<string>().ShouldBe("server");
        record["action"]!.GetValue<string>().ShouldBe("DELETE");
        record["metadata"]!["events_erased"]!.GetValue<long>().ShouldBe(3);
        record["metadata"]!["subject_sha256"]!.GetValue<string>().ShouldBe(ErasureEndpoints.SubjectDigest(alice.UserId));
        record["user_id"]!.GetValue<string>().ShouldNotBeNullOrEmpty();

        // Once more: nothing is left to erase, and the chain (with both records) still verifies.
        (await EraseAsync(tenant.Id, tenant.AdminKey, alice.UserId))["events_erased"]!.GetValue<long>().ShouldBe(0);
        (await read.GetFromJsonAsync<JsonNode>("/api/v1/integrity/verify"))!["ok"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Erasure_rewrites_the_users_values_inside_json_fields_and_signed_anchors_keep_the_chain_verifiable()
    {
        var tenant = await server.CreateTenantAsync();
        var alice = Person.New("alice", "198.51.100.17");
        var bob = Person.New("bob", "198.51.100.18");
        var carol = Person.New("carol", "198.51.100.19");
        var events = new List<object>
        {
            // Alice's own event, whose metadata names her.
            new
            {
                action = "UPDATE",
                description = "profile saved",
                user_id = alice.UserId,
                username = alice.Username,
                user_email = alice.Email,
                metadata = new { contact = alice.Email, note = $"saved by {alice.Username}", count = 3, nested = new { ids = new[] { alice.UserId, "other" } } },
            },
            // An admin changes Alice's email: her old address is in old_values and changes, her id in metadata.
            new
            {
                action = "UPDATE",
                description = "user email changed",
                user_id = carol.UserId,
                user_email = carol.Email,
                resource_type = "User",
                resource_id = "user-42",
                metadata = new { target = alice.UserId, reason = "support ticket" },
                old_values = new { email = alice.Email, plan = "pro" },
                new_values = new { email = "fresh-address@example.net", plan = "pro" },
                changes = new[] { new { property = "email", old = alice.Email, @new = "fresh-address@example.net" } },
            },
            // Bob's JSON is not Alice's.
            new
            {
                action = "UPDATE",
                description = "bob changed",
                user_id = bob.UserId,
                user_email = bob.Email,
                metadata = new { contact = bob.Email },
                old_values = new { email = bob.Email },
                new_values = new { email = bob.Username + "@example.org" },
            },
        };
        await (await server.CreateClient(tenant.IngestKey).PostAsJsonAsync($"{Logs}/batch", events)).ShouldHaveStatusAsync(HttpStatusCode.OK);
        var read = server.CreateClient(tenant.ReadKey);
        (await read.GetStringAsync(Logs)).ShouldContain(alice.Email);

        var erased = await EraseAsync(tenant.Id, tenant.AdminKey, alice.UserId);

        erased["events_erased"]!.GetValue<long>().ShouldBe(1);
        erased["events_rewritten"]!.GetValue<long>().ShouldBe(2);
        (await read.GetFromJsonAsync<JsonNode>("/api/v1/integrity/verify"))!["ok"]!.GetValue<bool>().ShouldBeTrue();

        var list = await read.GetStringAsync($"{Logs}?limit=100");
        var search = await read.GetStringAsync($"{Logs}?search=changed&limit=100");
        var csv = await read.GetStringAsync($"{Logs}/export?format=csv");
        var ndjson = await read.GetStringAsync($"{Logs}/export?format=ndjson");
        foreach (var (name, text) in new[] { ("list", list), ("search", search), ("csv", csv), ("ndjson", ndjson) })
        {
            foreach (var value in (string[])[alice.UserId, alice.Username, alice.Email])
            {
                text.ShouldNotContain(value, Case.Sensitive, $"{name} on {server.Provider}");
            }

            foreach (var value in (string[])[bob.Email, bob.Username + "@example.org", carol.UserId, "fresh-address@example.net", "support ticket"])
            {
                text.ShouldContain(value, Case.Sensitive, $"{name} on {server.Provider}");
            }
        }

        (await server.StoredDataContainsAsync(alice.Email)).ShouldBeFalse();
        (await server.StoredDataContainsAsync(alice.UserId)).ShouldBeFalse();
        (await server.StoredDataContainsAsync(alice.Username)).ShouldBeFalse();
        (await server.StoredDataContainsAsync(bob.Email)).ShouldBeTrue();

        // The values became the marker; the rest of each field is kept.
        var items = JsonNode.Parse(list)!["items"]!.AsArray();
        var changed = items.Single(static e => e!["description"]!.GetValue<string>() == "user email changed")!;
        changed["metadata"]!["target"]!.GetValue<string>().ShouldBe(ErasureJson.Marker);
        changed["old_values"]!["email"]!.GetValue<string>().ShouldBe(ErasureJson.Marker);
        changed["old_values"]!["plan"]!.GetValue<string>().ShouldBe("pro");
        changed["changes"]![0]!["old"]!.GetValue<string>().ShouldBe(ErasureJson.Marker);
        changed["user_id"]!.GetValue<string>().ShouldBe(carol.UserId);
        var saved = items.Single(static e => e!["description"]!.GetValue<string>() == "profile saved")!;
        saved["metadata"]!["note"]!.GetValue<string>().ShouldBe(ErasureJson.Marker);
        saved["metadata"]!["count"]!.GetValue<int>().ShouldBe(3);
        saved["metadata"]!["nested"]!["ids"]!.AsArray().Select(static v => v!.GetValue<string>()).ShouldBe([ErasureJson.Marker, "other"]);

        // A forged anchor (its signature changed) is found at its seq.
        var seq = await SeqAsync(tenant.Id, "user email changed");
        await ExecuteAsync(
            $"UPDATE {ErasureAnchorRowConfiguration.Table} SET signature = @v WHERE tenant_id = @t AND seq = @s", tenant.Id, seq, new byte[64]);
        var forged = (await read.GetFromJsonAsync<JsonNode>("/api/v1/integrity/verify"))!;
        forged.ToJsonString().ShouldBe($"{{\"ok\":false,\"first_broken_seq\":{seq},\"reason\":\"checkpoint_signature\"}}");

        // An unsigned anchor vouches for nothing.
        await ExecuteAsync(
            $"UPDATE {ErasureAnchorRowConfiguration.Table} SET signature = @v WHERE tenant_id = @t AND seq = @s", tenant.Id, seq, null);
        var unsigned = (await read.GetFromJsonAsync<JsonNode>("/api/v1/integrity/verify"))!;
        unsigned.ToJsonString().ShouldBe($"{{\"ok\":false,\"first_broken_seq\":{seq},\"reason\":\"hash_mismatch\"}}");

        // A later change of an erased event's JSON is still a mismatch, whatever its anchor says.
        var savedSeq = await SeqAsync(tenant.Id, "profile saved");
        await ExecuteAsync(
            server.Provider == "PostgreSQL"
                ? "UPDATE audit_events SET metadata = CAST(@v AS jsonb) WHERE tenant_id = @t AND seq = @s"
                : "UPDATE audit_events SET metadata = @v WHERE tenant_id = @t AND seq = @s",
            tenant.Id, savedSeq, "{\"contact\":\"[erased]\",\"note\":\"[erased]\",\"count\":4}");
        var tampered = (await read.GetFromJsonAsync<JsonNode>("/api/v1/integrity/verify?to_seq=" + savedSeq.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
        tampered.ToJsonString().ShouldBe($"{{\"ok\":false,\"first_broken_seq\":{savedSeq},\"reason\":\"hash_mismatch\"}}");
    }

    [Fact]
    public async Task Erasure_rewrites_only_the_tenants_own_events()
    {
        var tenant = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        var alice = Person.New("alice", "198.51.100.27");
        var mine = new { action = "UPDATE", description = "mine", user_id = alice.UserId, metadata = new { who = alice.UserId } };
        var theirs = new { action = "UPDATE", description = "theirs", user_id = "someone", metadata = new { who = alice.UserId } };
        await (await server.CreateClient(tenant.IngestKey).PostAsJsonAsync($"{Logs}/batch", new object[] { mine })).ShouldHaveStatusAsync(HttpStatusCode.OK);
        await (await server.CreateClient(other.IngestKey).PostAsJsonAsync($"{Logs}/batch", new object[] { theirs })).ShouldHaveStatusAsync(HttpStatusCode.OK);

        var erased = await EraseAsync(tenant.Id, tenant.AdminKey, alice.UserId);

        erased["events_rewritten"]!.GetValue<long>().ShouldBe(1);
        (await server.CreateClient(tenant.ReadKey).GetStringAsync(Logs)).ShouldNotContain(alice.UserId, Case.Sensitive);
        var otherRead = server.CreateClient(other.ReadKey);
        (await otherRead.GetStringAsync(Logs)).ShouldContain(alice.UserId, Case.Sensitive);
        (await otherRead.GetFromJsonAsync<JsonNode>("/api/v1/integrity/verify"))!["ok"]!.GetValue<bool>().ShouldBeTrue();
        (await server.CreateClient(tenant.ReadKey).GetFromJsonAsync<JsonNode>("/api/v1/integrity/verify"))!["ok"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Erasure_signs_the_anchors_of_more_events_than_one_signing_batch_and_the_chain_verifies()
    {
        var tenant = await server.CreateTenantAsync();
        var alice = Person.New("alice", "198.51.100.37");
        var count = (ErasureAnchorSigningBatch * 2) + 37;
        using (var ingest = server.CreateClient(tenant.IngestKey))
        {
            for (var at = 0; at < count; at += 250)
            {
                var events = Enumerable.Range(at, Math.Min(250, count - at))
                    .Select(i => (object)new { action = "UPDATE", description = $"note {i}", user_id = $"agent-{i % 7}", metadata = new { about = alice.UserId, n = i } })
                    .ToList();
                await (await ingest.PostAsJsonAsync($"{Logs}/batch", events)).ShouldHaveStatusAsync(HttpStatusCode.OK);
            }
        }

        var erased = await EraseAsync(tenant.Id, tenant.AdminKey, alice.UserId);

        erased["events_rewritten"]!.GetValue<long>().ShouldBe(count);
        var read = server.CreateClient(tenant.ReadKey);
        (await read.GetFromJsonAsync<JsonNode>("/api/v1/integrity/verify"))!["ok"]!.GetValue<bool>().ShouldBeTrue();
        (await read.GetStringAsync($"{Logs}?limit=100")).ShouldNotContain(alice.UserId, Case.Sensitive);
    }

    /// <summary>
    /// The matching rule of the JSON rewrite (<see cref="ErasureJson"/> on SQLite, <c>auditkit_erase_json_value</c> on
    /// PostgreSQL) as one table of cases: each provider must turn every input into the same output.
    /// </summary>
    [Fact]
    public async Task Erasure_json_matching_rule_gives_the_same_rows_on_both_providers()
    {
        var tenant = await server.CreateTenantAsync();
        var unique = Guid.NewGuid().ToString("N")[..10];
        var userId = $"erin-{unique}";
        var username = "90210" + string.Concat(unique.Where(char.IsAsciiDigit)).PadRight(4, '7');
        var email = $"erin.{unique}@example.com";
        const string ip = "198.51.100.4";
        const string erased = ErasureJson.Marker;
        (string Input, string Expected)[] cases =
        [
            ($$$$"""{"a":{"b":{"c":"{{{{email}}}}"}}}""", $$$$"""{"a":{"b":{"c":"{{{{erased}}}}"}}}"""),
            ($$"""{"list":["x","{{userId}}",3,["{{email}}"]]}""", $$"""{"list":["x","{{erased}}",3,["{{erased}}"]]}"""),
            ($$"""{"zip":{{username}},"code":"{{username}}"}""", $$"""{"zip":{{username}},"code":"{{erased}}"}"""),
            ($$"""{"email":"{{email.ToUpperInvariant()}}"}""", $$"""{"email":"{{email.ToUpperInvariant()}}"}"""),
            ("""{"peer":"198.51.100.42","text":"seen at 198.51.100.4 today"}""", $$"""{"peer":"{{erased}}","text":"{{erased}}"}"""),
            ("""{"by":"bob@example.com","ip":"203.0.113.9"}""", """{"by":"bob@example.com","ip":"203.0.113.9"}"""),
            ($$"""{"{{userId}}":"kept name"}""", $$"""{"{{userId}}":"kept name"}"""),
            ($$"""{"ok":true,"none":null,"n":1.5,"s":"{{userId}}"}""", $$"""{"ok":true,"none":null,"n":1.5,"s":"{{erased}}"}"""),
        ];
        var events = new List<JsonObject>
        {
            new() { ["action"] = "LOGIN", ["description"] = "own", ["user_id"] = userId, ["username"] = username, ["user_email"] = email, ["ip_address"] = ip },
        };
        for (var i = 0; i < cases.Length; i++)
        {
            events.Add(new JsonObject { ["action"] = "UPDATE", ["description"] = $"case {i}", ["user_id"] = "someone-else", ["metadata"] = JsonNode.Parse(cases[i].Input) });
        }

        await (await server.CreateClient(tenant.IngestKey).PostAsJsonAsync($"{Logs}/batch", events)).ShouldHaveStatusAsync(HttpStatusCode.OK);

        await EraseAsync(tenant.Id, tenant.AdminKey, userId);

        var read = server.CreateClient(tenant.ReadKey);
        var items = (await read.GetFromJsonAsync<JsonNode>($"{Logs}?limit=100&user_id=someone-else"))!["items"]!.AsArray();
        for (var i = 0; i < cases.Length; i++)
        {
            var stored = items.Single(e => e!["description"]!.GetValue<string>() == $"case {i}")!["metadata"];
            JsonNode.DeepEquals(stored, JsonNode.Parse(cases[i].Expected)).ShouldBeTrue($"case {i} on {server.Provider}: {stored?.ToJsonString()}");
        }

        (await read.GetFromJsonAsync<JsonNode>("/api/v1/integrity/verify"))!["ok"]!.GetValue<bool>().ShouldBeTrue();
    }

    private const int ErasureAnchorSigningBatch = AuditKit.Server.Integrity.ErasureAnchorSigning.BatchSize;

    [Fact]
    public async Task Erasure_is_for_admin_keys_of_an_existing_tenant_and_names_a_missing_user_id()
    {
        var tenant = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        var path = $"/api/v1/admin/tenants/{tenant.Id}/erasures";

        (await server.CreateClient(tenant.ReadKey).PostAsJsonAsync(path, new { user_id = "u" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await server.CreateClient(tenant.IngestKey).PostAsJsonAsync(path, new { user_id = "u" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await server.CreateClient(other.AdminKey).PostAsJsonAsync(path, new { user_id = "u" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await server.CreateClient(AuditKitServerFixture.BootstrapKey).PostAsJsonAsync("/api/v1/admin/tenants/no-such-tenant/erasures", new { user_id = "u" }))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var missing = await server.CreateClient(tenant.AdminKey).PostAsJsonAsync(path, new { });
        await missing.ShouldHaveStatusAsync(HttpStatusCode.BadRequest);
        JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["errors"]!["user_id"].ShouldNotBeNull();
    }

    private static readonly string[] DetectionTables = ["detection_user_ips", "detection_user_days", "detection_user_minutes"];

    /// <summary>Waits until detection has seen the tenant's events (its outbox is empty and the user has rows in every table).</summary>
    private async Task WaitForDetectionAsync(string tenantId, string userId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var seen = true;
            foreach (var table in DetectionTables)
            {
                seen &= await CountAsync(table, tenantId, userId) > 0;
            }

            if (seen && await CountAsync("detection_outbox", tenantId, userId: null) == 0)
            {
                return;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, "detection did not process the events");
            await Task.Delay(50);
        }
    }

    private async Task<long> CountAsync(string table, string tenantId, string? userId)
    {
        await using var connection = await server.OpenTamperConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table} WHERE tenant_id = @t" + (userId is null ? string.Empty : " AND user_id = @u");
        DbParameters.Add(command, "@t", tenantId);
        if (userId is not null)
        {
            DbParameters.Add(command, "@u", userId);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<long> SeqAsync(string tenantId, string description)
    {
        await using var connection = await server.OpenTamperConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq FROM audit_events WHERE tenant_id = @t AND description = @d";
        DbParameters.Add(command, "@t", tenantId);
        DbParameters.Add(command, "@d", description);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExecuteAsync(string sql, string tenantId, long seq, object? value)
    {
        await using var connection = await server.OpenTamperConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        DbParameters.Add(command, "@t", tenantId);
        DbParameters.Add(command, "@s", seq);
        DbParameters.Add(command, "@v", value ?? DBNull.Value);
        (await command.ExecuteNonQueryAsync()).ShouldBeGreaterThan(0);
    }

    private async Task<JsonNode> EraseAsync(string tenantId, string adminKey, string userId)
    {
        var response = await server.CreateClient(adminKey).PostAsJsonAsync($"/api/v1/admin/tenants/{tenantId}/erasures", new { user_id = userId });
        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private sealed record Person(string UserId, string Username, string Email, string IpAddress, string UserAgent)
    {
        public static Person New(string name, string ip)
        {
            var unique = Guid.NewGuid().ToString("N")[..12];
            return new Person($"{name}-{unique}", $"{name}name{unique}", $"{name}.{unique}@example.com", ip, $"Agent/{name}{unique}");
        }

        public string[] Values => [UserId, Username, Email, IpAddress, UserAgent];

        public object Event(string description) => new
        {
            action = "UPDATE",
            description,
            user_id = UserId,
            username = Username,
            user_email = Email,
            ip_address = IpAddress,
            user_agent = UserAgent,
        };
    }
}

public sealed class SqliteErasureTests(SqliteServerFixture server) : ErasureTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresErasureTests(PostgresServerFixture server) : ErasureTests(server), IClassFixture<PostgresServerFixture>;
