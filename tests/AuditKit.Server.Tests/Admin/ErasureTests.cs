using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AuditKit.Server.Admin;
using AuditKit.Server.Tests.Infrastructure;

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
        AuditKit.Server.Storage.DbParameters.Add(command, "@t", tenantId);
        if (userId is not null)
        {
            AuditKit.Server.Storage.DbParameters.Add(command, "@u", userId);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
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
