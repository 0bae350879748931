namespace AuditKit.Server.Tests.Auth;

/// <summary>
/// Multi-tenant ingest keys as the tenants they write into see them (listed, revocable for that tenant, their creation
/// in every log) and who may mint admin keys, on SQLite and PostgreSQL.
/// </summary>
public abstract class MultiTenantKeyTests(AuditKitServerFixture server)
{
    private const string Logs = "/api/v1/audit-logs";
    private const string Tenants = "/api/v1/admin/tenants";

    [Fact]
    public async Task A_multi_tenant_key_is_listed_in_each_tenant_it_writes_into_as_foreign_with_its_owner()
    {
        var (home, other, third, key) = await MultiTenantKeyAsync();
        var unrelated = await server.CreateTenantAsync();

        var inOther = (await KeysAsync(other)).Single(k => k.GetProperty("prefix").GetString() == key[..11]);
        inOther.GetProperty("foreign").GetBoolean().ShouldBeTrue();
        inOther.GetProperty("tenant_id").GetString().ShouldBe(home.Id);
        inOther.GetProperty("role").GetString().ShouldBe("ingest");
        inOther.GetProperty("allowed_tenants").EnumerateArray().Select(static t => t.GetString()).ShouldBe([other.Id], "another tenant's list of tenants is revealed");
        (await KeysAsync(other)).Count(static k => !k.GetProperty("foreign").GetBoolean()).ShouldBe(3);

        var inHome = (await KeysAsync(home)).Single(k => k.GetProperty("prefix").GetString() == key[..11]);
        inHome.GetProperty("foreign").GetBoolean().ShouldBeFalse();
        inHome.GetProperty("allowed_tenants").EnumerateArray().Select(static t => t.GetString()).ShouldBe([other.Id, third.Id]);

        var prefix = key[..11];
        (await KeysAsync(unrelated)).Select(static k => k.GetProperty("prefix").GetString()).ShouldNotContain(prefix);
    }

    [Fact]
    public async Task A_tenant_admin_revokes_a_foreign_keys_access_to_its_tenant_only()
    {
        var (home, other, third, key) = await MultiTenantKeyAsync();
        var unrelated = await server.CreateTenantAsync();
        var keyId = (await KeysAsync(other)).Single(k => k.GetProperty("prefix").GetString() == key[..11]).GetProperty("id").GetString();
        using var ingest = server.CreateClient(key);
        (await PostAsync(ingest, other.Id)).ShouldBe("accepted");

        // Another tenant's admin does not see the key and cannot touch it.
        using var unrelatedAdmin = server.CreateClient(unrelated.AdminKey);
        await (await unrelatedAdmin.DeleteAsync($"{Tenants}/{unrelated.Id}/keys/{keyId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        using var otherAdmin = server.CreateClient(other.AdminKey);
        (await otherAdmin.DeleteAsync($"{Tenants}/{other.Id}/keys/{keyId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await PostAsync(ingest, other.Id)).ShouldBe("rejected");
        (await PostAsync(ingest, third.Id)).ShouldBe("accepted");
        (await PostAsync(ingest, null)).ShouldBe("accepted");
        (await KeysAsync(other)).Select(static k => k.GetProperty("id").GetString()).ShouldNotContain(keyId);
        var inHome = (await KeysAsync(home)).Single(k => k.GetProperty("id").GetString() == keyId);
        inHome.GetProperty("allowed_tenants").EnumerateArray().Select(static t => t.GetString()).ShouldBe([third.Id]);
        inHome.TryGetProperty("revoked_at", out _).ShouldBeFalse();
        await (await otherAdmin.DeleteAsync($"{Tenants}/{other.Id}/keys/{keyId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        // Recorded in the tenant that revoked and in the key's owner.
        foreach (var tenant in new[] { other, home })
        {
            using var read = server.CreateClient(tenant.ReadKey);
            var revoked = (await (await read.GetAsync($"{Logs}?category=admin&action=PERMISSION_REVOKE")).ReadPageAsync()).Items.ShouldHaveSingleItem();
            revoked.ResourceId.ShouldBe(keyId);
            revoked.Severity.ShouldBe(AuditSeverity.Critical);
            revoked.NewValues!["revoked_tenant"]!.GetValue<string>().ShouldBe(other.Id);
        }
    }

    [Fact]
    public async Task The_creation_of_a_multi_tenant_key_is_recorded_in_every_tenant_it_can_write()
    {
        var (home, other, third, key) = await MultiTenantKeyAsync();

        foreach (var tenant in new[] { home, other, third })
        {
            using var read = server.CreateClient(tenant.ReadKey);
            var created = (await (await read.GetAsync($"{Logs}?category=admin&resource_type=ApiKey&action=CREATE")).ReadPageAsync()).Items
                .Where(e => e.ResourceName == key[..11]).ShouldHaveSingleItem($"in tenant {tenant.Id}");
            created.Severity.ShouldBe(AuditSeverity.Critical);
            created.UserId.ShouldBe("bootstrap-admin");
            var allowed = created.NewValues!["allowed_tenants"]!.AsArray().Select(static t => t!.GetValue<string>()).ToList();
            if (tenant == home)
            {
                allowed.ShouldBe([other.Id, third.Id]);
            }
            else
            {
                allowed.ShouldBe([tenant.Id], "a tenant learns of the other tenants a key writes into");
                created.NewValues!["owner_tenant_id"]!.GetValue<string>().ShouldBe(home.Id);
            }

            JsonSerializer.Serialize(created, AuditKitServerFixture.Json).ShouldNotContain(key[11..]);
        }
    }

    [Fact]
    public async Task A_multi_tenant_key_whose_record_cannot_be_stored_in_one_of_its_tenants_is_not_created()
    {
        var home = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        using var bootstrap = server.CreateClient(AuditKitServerFixture.BootstrapKey);

        await using (await server.RefuseEventsAsync(other.Id, "admin"))
        {
            (await bootstrap.PostAsJsonAsync($"{Tenants}/{home.Id}/keys", new { role = "ingest", allowed_tenants = new[] { other.Id } }))
                .StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        }

        (await KeysAsync(home)).Count.ShouldBe(3);
        (await KeysAsync(other)).Count.ShouldBe(3);
        using var read = server.CreateClient(home.ReadKey);
        (await (await read.GetAsync($"{Logs}?category=admin&resource_type=ApiKey")).ReadPageAsync()).Items.Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_tenant_admin_key_may_not_mint_admin_keys_unless_configured()
    {
        var tenant = await server.CreateTenantAsync();
        using var admin = server.CreateClient(tenant.AdminKey);
        using var bootstrap = server.CreateClient(AuditKitServerFixture.BootstrapKey);

        var refused = await (await admin.PostAsJsonAsync($"{Tenants}/{tenant.Id}/keys", new { role = "admin" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        refused.GetProperty("detail").GetString()!.ShouldContain("TenantAdminsMayCreateAdminKeys");
        (await KeysAsync(tenant)).Count.ShouldBe(3);
        (await admin.PostAsJsonAsync($"{Tenants}/{tenant.Id}/keys", new { role = "read" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await bootstrap.PostAsJsonAsync($"{Tenants}/{tenant.Id}/keys", new { role = "admin" })).StatusCode.ShouldBe(HttpStatusCode.Created);

        await using var permissive = server.Factory.WithWebHostBuilder(b => b.UseSetting("AuditKit:Admin:TenantAdminsMayCreateAdminKeys", "true"));
        using var permissiveAdmin = permissive.CreateClient();
        permissiveAdmin.DefaultRequestHeaders.Authorization = new("Bearer", tenant.AdminKey);
        (await permissiveAdmin.PostAsJsonAsync($"{Tenants}/{tenant.Id}/keys", new { role = "admin" })).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    /// <summary>A key of a new tenant allowed to write into two other new tenants.</summary>
    private async Task<(TestTenant Home, TestTenant Other, TestTenant Third, string Key)> MultiTenantKeyAsync()
    {
        var home = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        var third = await server.CreateTenantAsync();
        using var bootstrap = server.CreateClient(AuditKitServerFixture.BootstrapKey);
        var key = await AuditKitServerFixture.CreateKeyAsync(
            bootstrap, home.Id, "ingest", new { role = "ingest", name = "importer", allowed_tenants = new[] { other.Id, third.Id } });
        return (home, other, third, key);
    }

    [Fact]
    public async Task Keys_created_at_once_over_the_same_tenants_from_either_side_all_commit()
    {
        // Each creation records the key in both tenants' logs, locking both chain heads in the transaction that stores
        // the key: two creations over the same pair from opposite sides must wait for each other, never deadlock or fail.
        var (one, two) = (await server.CreateTenantAsync(), await server.CreateTenantAsync());
        using var bootstrap = server.CreateClient(AuditKitServerFixture.BootstrapKey);
        for (var round = 0; round < 15; round++)
        {
            var answers = await Task.WhenAll(
                bootstrap.PostAsJsonAsync($"{Tenants}/{one.Id}/keys", new { role = "ingest", allowed_tenants = new[] { two.Id } }),
                bootstrap.PostAsJsonAsync($"{Tenants}/{two.Id}/keys", new { role = "ingest", allowed_tenants = new[] { one.Id } }));
            answers.Select(static a => a.StatusCode).ShouldAllBe(static s => s == HttpStatusCode.Created);
        }

        using var read = server.CreateClient(one.ReadKey);
        var verified = await read.GetFromJsonAsync<JsonElement>("/api/v1/integrity/verify");
        verified.GetProperty("ok").GetBoolean().ShouldBeTrue();
    }

    private async Task<List<JsonElement>> KeysAsync(TestTenant tenant)
    {
        using var admin = server.CreateClient(tenant.AdminKey);
        using var document = JsonDocument.Parse(await admin.GetStringAsync($"{Tenants}/{tenant.Id}/keys"));
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(static k => k.Clone())];
    }

    private static async Task<string> PostAsync(HttpClient ingest, string? tenantId)
    {
        object item = tenantId is null ? new { action = "IMPORT" } : new { action = "IMPORT", tenant_id = tenantId };
        var result = await (await ingest.PostAsJsonAsync($"{Logs}/batch", new[] { item })).ReadBatchResultAsync();
        return result.Items.ShouldHaveSingleItem().Status;
    }
}

public sealed class SqliteMultiTenantKeyTests(SqliteServerFixture server) : MultiTenantKeyTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresMultiTenantKeyTests(PostgresServerFixture server) : MultiTenantKeyTests(server), IClassFixture<PostgresServerFixture>;
