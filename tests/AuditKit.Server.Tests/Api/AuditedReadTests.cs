namespace AuditKit.Server.Tests.Api;

/// <summary>
/// Exports, event reads by id and key / webhook listings each write exactly one record (who, which key, what filter,
/// how many rows) into the tenant's log; failed and refused reads write none. On SQLite and PostgreSQL.
/// </summary>
public abstract class AuditedReadTests(AuditKitServerFixture server)
{
    private const string Logs = "/api/v1/audit-logs";
    private const string Tenants = "/api/v1/admin/tenants";

    [Fact]
    public async Task An_event_read_by_id_is_recorded_once_with_the_reader_and_the_id()
    {
        var (tenant, read, key) = await ArrangeAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        var stored = await (await ingest.PostAsJsonAsync(Logs, new { action = "LOGIN", user_id = "alice" })).ReadEventAsync();

        (await read.GetAsync($"{Logs}/{stored.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var record = (await AccessRecordsAsync(read)).ShouldHaveSingleItem();
        record.Action.ShouldBe("READ");
        record.ResourceType.ShouldBe("AuditEvent");
        record.ResourceId.ShouldBe(stored.Id.ToString());
        record.Severity.ShouldBe(AuditSeverity.Low);
        record.ServiceName.ShouldBe("auditkit-server");
        ShouldBeBy(record, key);
        record.Metadata!["filter"]!["id"]!.GetValue<string>().ShouldBe(stored.Id.ToString());
        record.Metadata!["rows"]!.GetValue<long>().ShouldBe(1);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("ndjson")]
    [InlineData("csv")]
    public async Task An_export_is_recorded_once_with_its_filter_and_row_count(string format)
    {
        var (tenant, read, key) = await ArrangeAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        var batch = await (await ingest.PostAsJsonAsync($"{Logs}/batch", new object[]
        {
            new { action = "LOGIN", user_id = "alice" },
            new { action = "LOGIN", user_id = "bob" },
            new { action = "LOGIN", user_id = "alice" },
            new { action = "DELETE", user_id = "alice" },
        })).ReadBatchResultAsync();
        batch.Accepted.ShouldBe(4);

        var response = await read.GetAsync($"{Logs}/export?format={format}&action=LOGIN&user_id=alice");
        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldNotBeEmpty();

        var record = (await AccessRecordsAsync(read)).ShouldHaveSingleItem();
        record.Action.ShouldBe("EXPORT");
        record.ResourceType.ShouldBe("AuditEvent");
        record.Severity.ShouldBe(AuditSeverity.High);
        ShouldBeBy(record, key);
        var filter = record.Metadata!["filter"]!;
        filter["action"]!.GetValue<string>().ShouldBe("LOGIN");
        filter["user_id"]!.GetValue<string>().ShouldBe("alice");
        filter["format"]!.GetValue<string>().ShouldBe(format);
        record.Metadata!["rows"]!.GetValue<long>().ShouldBe(2);
        record.Metadata!.ContainsKey("completed").ShouldBeFalse();
    }

    [Fact]
    public async Task Key_and_webhook_listings_are_recorded_once_each_with_their_row_counts()
    {
        var (tenant, read, _) = await ArrangeAsync();
        using var admin = server.CreateClient(tenant.AdminKey);

        var keys = JsonDocument.Parse(await admin.GetStringAsync($"{Tenants}/{tenant.Id}/keys")).RootElement.GetProperty("items").GetArrayLength();
        var hooks = JsonDocument.Parse(await admin.GetStringAsync($"{Tenants}/{tenant.Id}/webhooks")).RootElement.GetProperty("items").GetArrayLength();

        var records = await AccessRecordsAsync(read);
        records.Count.ShouldBe(2);
        var keyList = records.Single(static r => r.ResourceType == "ApiKey");
        keyList.Action.ShouldBe("READ");
        keyList.Metadata!["rows"]!.GetValue<long>().ShouldBe(keys);
        keyList.Metadata!["filter"]!["tenant_id"]!.GetValue<string>().ShouldBe(tenant.Id);
        keyList.Metadata!["key_prefix"]!.GetValue<string>().ShouldBe(tenant.AdminKey[..11]);
        var hookList = records.Single(static r => r.ResourceType == "Webhook");
        hookList.Action.ShouldBe("READ");
        hookList.Metadata!["rows"]!.GetValue<long>().ShouldBe(hooks);
    }

    [Fact]
    public async Task Failed_and_refused_reads_write_no_record()
    {
        var (tenant, read, _) = await ArrangeAsync();
        var other = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var admin = server.CreateClient(tenant.AdminKey);
        using var otherRead = server.CreateClient(other.ReadKey);
        var stored = await (await ingest.PostAsJsonAsync(Logs, new { action = "LOGIN" })).ReadEventAsync();

        await (await read.GetAsync($"{Logs}/{Guid.CreateVersion7()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await read.GetAsync($"{Logs}/not-a-guid")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await otherRead.GetAsync($"{Logs}/{stored.Id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await ingest.GetAsync($"{Logs}/{stored.Id}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await read.GetAsync($"{Logs}/export?format=xml")).ShouldBeValidationProblemAsync("format");
        await (await read.GetAsync($"{Logs}/export?severity=LOUD")).ShouldBeValidationProblemAsync("severity");
        await (await ingest.GetAsync($"{Logs}/export")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await read.GetAsync($"{Tenants}/{tenant.Id}/keys")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        using var otherAdmin = server.CreateClient(other.AdminKey);
        await (await otherAdmin.GetAsync($"{Tenants}/{tenant.Id}/keys")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await otherAdmin.GetAsync($"{Tenants}/{tenant.Id}/webhooks")).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        (await AccessRecordsAsync(read)).ShouldBeEmpty();
        (await AccessRecordsAsync(otherRead)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_read_whose_record_cannot_be_stored_is_not_answered()
    {
        var (tenant, read, _) = await ArrangeAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        var stored = await (await ingest.PostAsJsonAsync(Logs, new { action = "LOGIN" })).ReadEventAsync();

        await using (await server.RefuseEventsAsync(tenant.Id, "access"))
        {
            var response = await read.GetAsync($"{Logs}/{stored.Id}");
            response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
            (await response.Content.ReadAsStringAsync()).ShouldNotContain(stored.Id.ToString());
        }

        (await AccessRecordsAsync(read)).ShouldBeEmpty();
    }

    /// <summary>A tenant and a named read key of its own.</summary>
    private async Task<(TestTenant Tenant, HttpClient Read, (string Id, string Prefix) Key)> ArrangeAsync()
    {
        var tenant = await server.CreateTenantAsync();
        using var bootstrap = server.CreateClient(AuditKitServerFixture.BootstrapKey);
        var response = await bootstrap.PostAsJsonAsync($"{Tenants}/{tenant.Id}/keys", new { role = "read", name = "siem-export" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (tenant, server.CreateClient(body.GetProperty("key").GetString()!), (body.GetProperty("id").GetString()!, body.GetProperty("prefix").GetString()!));
    }

    private static void ShouldBeBy(AuditEvent record, (string Id, string Prefix) key)
    {
        record.UserId.ShouldBe("api-key:" + key.Id);
        record.Username.ShouldBe(key.Prefix);
        record.Metadata!["key_id"]!.GetValue<string>().ShouldBe(key.Id);
        record.Metadata!["key_name"]!.GetValue<string>().ShouldBe("siem-export");
        record.Metadata!["key_prefix"]!.GetValue<string>().ShouldBe(key.Prefix);
    }

    private static async Task<IReadOnlyList<AuditEvent>> AccessRecordsAsync(HttpClient read) =>
        (await (await read.GetAsync($"{Logs}?category=access&sort_order=asc")).ReadPageAsync()).Items;
}

public sealed class SqliteAuditedReadTests(SqliteServerFixture server) : AuditedReadTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresAuditedReadTests(PostgresServerFixture server) : AuditedReadTests(server), IClassFixture<PostgresServerFixture>;
