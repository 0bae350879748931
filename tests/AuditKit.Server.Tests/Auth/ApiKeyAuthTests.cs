namespace AuditKit.Server.Tests.Auth;

/// <summary>API keys, roles and the admin API, run against SQLite and PostgreSQL.</summary>
public abstract class ApiKeyAuthTests(AuditKitServerFixture server)
{
    private const string Logs = "/api/v1/audit-logs";
    private const string Tenants = "/api/v1/admin/tenants";

    public static TheoryData<string, string> ProtectedEndpoints => new()
    {
        { "GET", Logs },
        { "GET", $"{Logs}/{Guid.CreateVersion7()}" },
        { "POST", Logs },
        { "POST", $"{Logs}/batch" },
        { "POST", Tenants },
        { "POST", $"{Tenants}/acme/keys" },
    };

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task No_key_is_unauthorized(string method, string path)
    {
        using var client = server.CreateClient();

        var response = await client.SendAsync(Request(method, path));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        problem.GetProperty("detail").GetString()!.ShouldContain("X-Api-Key");
        response.Headers.WwwAuthenticate.ShouldNotBeEmpty();
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task An_unknown_key_is_unauthorized(string method, string path)
    {
        using var client = server.CreateClient(ApiKeyCredentials.Generate());

        await (await client.SendAsync(Request(method, path))).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_key_is_accepted_in_the_x_api_key_header()
    {
        var tenant = await server.CreateTenantAsync();
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", tenant.ReadKey);

        (await client.GetAsync(Logs)).StatusCode.ShouldBe(HttpStatusCode.OK);

        client.DefaultRequestHeaders.Remove("X-Api-Key");
        client.DefaultRequestHeaders.Add("X-Api-Key", tenant.ReadKey + "x");
        await (await client.GetAsync(Logs)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Each_role_is_forbidden_what_it_is_not_for()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        using var admin = server.CreateClient(tenant.AdminKey);
        using var bootstrap = server.CreateClient(AuditKitServerFixture.BootstrapKey);
        var anEvent = new { action = "READ" };

        await (await ingest.GetAsync(Logs)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await ingest.PostAsJsonAsync(Tenants, new { id = "x", name = "x" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await read.PostAsJsonAsync(Logs, anEvent)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await read.PostAsJsonAsync($"{Logs}/batch", new[] { anEvent })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await read.PostAsJsonAsync($"{Tenants}/{tenant.Id}/keys", new { role = "admin" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await admin.GetAsync(Logs)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await admin.PostAsJsonAsync(Logs, anEvent)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await admin.PostAsJsonAsync(Tenants, new { id = "other", name = "Other" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        var bootstrapRead = await (await bootstrap.GetAsync(Logs)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        bootstrapRead.GetProperty("detail").GetString()!.ShouldContain("only manage tenants and keys");
        await (await bootstrap.PostAsJsonAsync(Logs, anEvent)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_tenant_admin_key_manages_keys_of_its_own_tenant_only()
    {
        var tenant = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        using var admin = server.CreateClient(tenant.AdminKey);

        var created = await admin.PostAsJsonAsync($"{Tenants}/{tenant.Id}/keys", new { role = "read", name = "dashboard" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        using var read = server.CreateClient(key);
        (await read.GetAsync(Logs)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await (await admin.PostAsJsonAsync($"{Tenants}/{other.Id}/keys", new { role = "read" })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync($"{Tenants}/{other.Id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await admin.GetAsync($"{Tenants}/{tenant.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await admin.PostAsJsonAsync($"{Tenants}/{tenant.Id}/keys", new { role = "ingest", allowed_tenants = new[] { other.Id } }))
            .ShouldBeValidationProblemAsync("allowed_tenants");
    }

    [Fact]
    public async Task A_created_key_is_shown_once_and_never_stored_in_clear()
    {
        var tenant = await server.CreateTenantAsync();
        using var bootstrap = server.CreateClient(AuditKitServerFixture.BootstrapKey);

        var response = await bootstrap.PostAsJsonAsync($"{Tenants}/{tenant.Id}/keys", new { role = "INGEST", name = "billing" });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("key").GetString()!;
        key.ShouldStartWith("ak_");
        key.Length.ShouldBeGreaterThanOrEqualTo(3 + 43);
        body.GetProperty("prefix").GetString().ShouldBe(key[..11]);
        body.GetProperty("role").GetString().ShouldBe("ingest");
        body.GetProperty("tenant_id").GetString().ShouldBe(tenant.Id);
        body.GetProperty("name").GetString().ShouldBe("billing");
        Guid.TryParse(body.GetProperty("id").GetString(), out _).ShouldBeTrue();

        (await server.StoredDataContainsAsync(key)).ShouldBeFalse("the clear key is stored");
        (await server.StoredDataContainsAsync(key[11..])).ShouldBeFalse("the secret part of the key is stored");
        (await server.StoredDataContainsAsync(ApiKeyCredentials.Hash(key))).ShouldBeTrue("the key's hash is not where keys are stored");
        (await server.StoredDataContainsAsync(key[..11])).ShouldBeTrue("the key's prefix is not stored");
        (await server.StoredDataContainsAsync(AuditKitServerFixture.BootstrapKey)).ShouldBeFalse();
    }

    [Fact]
    public async Task Admin_actions_are_recorded_in_the_tenant_log_without_the_key()
    {
        var tenant = await server.CreateTenantAsync();
        using var read = server.CreateClient(tenant.ReadKey);

        var page = await (await read.GetAsync($"{Logs}?category=admin&sort_order=asc")).ReadPageAsync();

        page.Items.Count.ShouldBe(4);
        var tenantCreated = page.Items[0];
        tenantCreated.Action.ShouldBe(AuditActions.Create);
        tenantCreated.ResourceType.ShouldBe("Tenant");
        tenantCreated.ResourceId.ShouldBe(tenant.Id);
        tenantCreated.Severity.ShouldBe(AuditSeverity.High);
        tenantCreated.UserId.ShouldBe("bootstrap-admin");
        page.Items.Skip(1).ShouldAllBe(static e => e.ResourceType == "ApiKey" && e.Action == AuditActions.Create);
        page.Items.Skip(1).Select(static e => e.NewValues!["role"]!.GetValue<string>()).ShouldBe(["ingest", "read", "admin"]);
        page.Items.Single(static e => e.NewValues?["role"]?.GetValue<string>() == "admin").Severity.ShouldBe(AuditSeverity.Critical);
        var json = JsonSerializer.Serialize(page.Items, AuditKitServerFixture.Json);
        json.ShouldNotContain(tenant.IngestKey);
        json.ShouldNotContain(tenant.ReadKey);
        json.ShouldNotContain(tenant.AdminKey);
    }

    [Fact]
    public async Task Keys_are_listed_without_secrets_and_a_revoked_key_stops_working_at_once()
    {
        var tenant = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        using var admin = server.CreateClient(tenant.AdminKey);
        using var read = server.CreateClient(tenant.ReadKey);

        var listed = await admin.GetAsync($"{Tenants}/{tenant.Id}/keys");
        listed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = await listed.Content.ReadAsStringAsync();
        text.ShouldNotContain(tenant.ReadKey);
        text.ShouldNotContain(ApiKeyCredentials.Hash(tenant.ReadKey));
        var items = JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().ToList();
        items.Select(static k => k.GetProperty("role").GetString()).ShouldBe(["ingest", "read", "admin"]);
        items.Select(static k => k.TryGetProperty("key", out _) || k.TryGetProperty("revoked_at", out _)).ShouldAllBe(static present => !present);
        var readKeyId = items.Single(k => k.GetProperty("prefix").GetString() == tenant.ReadKey[..11]).GetProperty("id").GetString();

        (await read.GetAsync(Logs)).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var otherAdmin = server.CreateClient(other.AdminKey);
        await (await otherAdmin.DeleteAsync($"{Tenants}/{tenant.Id}/keys/{readKeyId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await otherAdmin.DeleteAsync($"{Tenants}/{other.Id}/keys/{readKeyId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await read.GetAsync(Logs)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await admin.DeleteAsync($"{Tenants}/{tenant.Id}/keys/{readKeyId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await read.GetAsync(Logs)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await admin.DeleteAsync($"{Tenants}/{tenant.Id}/keys/{readKeyId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await admin.DeleteAsync($"{Tenants}/{tenant.Id}/keys/not-a-guid")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        var after = JsonDocument.Parse(await admin.GetStringAsync($"{Tenants}/{tenant.Id}/keys")).RootElement.GetProperty("items");
        after.EnumerateArray().Single(k => k.GetProperty("id").GetString() == readKeyId).TryGetProperty("revoked_at", out _).ShouldBeTrue();

        var newRead = await AuditKitServerFixture.CreateKeyAsync(admin, tenant.Id, "read");
        using var reader = server.CreateClient(newRead);
        var revoked = (await (await reader.GetAsync($"{Logs}?category=admin&action=DELETE")).ReadPageAsync()).Items.ShouldHaveSingleItem();
        revoked.ResourceType.ShouldBe("ApiKey");
        revoked.ResourceId.ShouldBe(readKeyId);
        revoked.Severity.ShouldBe(AuditSeverity.Critical);
        revoked.OldValues!["role"]!.GetValue<string>().ShouldBe("read");
    }

    [Fact]
    public async Task An_admin_change_whose_audit_record_cannot_be_stored_is_not_made()
    {
        var tenant = await server.CreateTenantAsync();
        using var admin = server.CreateClient(tenant.AdminKey);
        using var bootstrap = server.CreateClient(AuditKitServerFixture.BootstrapKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var keys = $"{Tenants}/{tenant.Id}/keys";
        var readKeyId = JsonDocument.Parse(await admin.GetStringAsync(keys)).RootElement.GetProperty("items").EnumerateArray()
            .Single(k => k.GetProperty("role").GetString() == "read").GetProperty("id").GetString();
        var unborn = "t-" + Guid.NewGuid().ToString("N");

        await using (await server.RefuseEventsAsync(tenant.Id, "admin"))
        await using (await server.RefuseEventsAsync(unborn, "admin"))
        {
            (await admin.PostAsJsonAsync(keys, new { role = "read" })).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
            (await admin.DeleteAsync($"{keys}/{readKeyId}")).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
            (await bootstrap.PostAsJsonAsync(Tenants, new { id = unborn, name = "Unborn" })).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        }

        // No key was added, the read key still works, the tenant does not exist, and nothing was recorded.
        JsonDocument.Parse(await admin.GetStringAsync(keys)).RootElement.GetProperty("items").GetArrayLength().ShouldBe(3);
        (await read.GetAsync(Logs)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await bootstrap.GetAsync($"{Tenants}/{unborn}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await (await read.GetAsync($"{Logs}?category=admin&resource_type=ApiKey")).ReadPageAsync()).Items.Count.ShouldBe(3);

        // Once records can be stored again, the same changes are made and recorded.
        using var newRead = server.CreateClient(await AuditKitServerFixture.CreateKeyAsync(admin, tenant.Id, "read"));
        (await admin.DeleteAsync($"{keys}/{readKeyId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await bootstrap.PostAsJsonAsync(Tenants, new { id = unborn, name = "Unborn" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await read.GetAsync(Logs)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await (await newRead.GetAsync($"{Logs}?category=admin&resource_type=ApiKey")).ReadPageAsync()).Items.Count.ShouldBe(5);
    }

    [Theory]
    [InlineData("""{ "id": "Acme Corp", "name": "Acme" }""", "id")]
    [InlineData("""{ "id": "-acme", "name": "Acme" }""", "id")]
    [InlineData("""{ "id": "acme\n", "name": "Acme" }""", "id")]
    [InlineData("""{ "name": "Acme" }""", "id")]
    [InlineData("""{ "id": "acme-ok" }""", "name")]
    [InlineData("""{ "id": 42, "name": "Acme" }""", "id")]
    [InlineData("""{ "id": "acme", """, "body")]
    public async Task An_invalid_tenant_is_a_validation_problem(string json, string field)
    {
        using var bootstrap = server.CreateClient(AuditKitServerFixture.BootstrapKey);

        var response = await bootstrap.PostAsync(Tenants, new StringContent(json, Encoding.UTF8, "application/json"));

        await response.ShouldBeValidationProblemAsync(field);
    }

    [Fact]
    public async Task A_tenant_id_is_taken_once()
    {
        var tenant = await server.CreateTenantAsync();
        using var bootstrap = server.CreateClient(AuditKitServerFixture.BootstrapKey);

        await (await bootstrap.PostAsJsonAsync(Tenants, new { id = tenant.Id, name = "Again" })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("""{ "role": "superuser" }""", "role")]
    [InlineData("""{ }""", "role")]
    [InlineData("""{ "role": ["read"] }""", "role")]
    [InlineData("""{ "role": "ingest", "allowed_tenants": ["no-such-tenant"] }""", "allowed_tenants[0]")]
    [InlineData("""{ "role": "read", "allowed_tenants": ["x"] }""", "allowed_tenants")]
    public async Task An_invalid_key_request_is_a_validation_problem(string json, string field)
    {
        var tenant = await server.CreateTenantAsync();
        using var bootstrap = server.CreateClient(AuditKitServerFixture.BootstrapKey);
        json = json.Replace("\"x\"", $"\"{tenant.Id}\"", StringComparison.Ordinal);

        var response = await bootstrap.PostAsync($"{Tenants}/{tenant.Id}/keys", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.ShouldBeValidationProblemAsync(field);
    }

    [Fact]
    public async Task A_key_for_a_missing_tenant_is_not_found()
    {
        using var bootstrap = server.CreateClient(AuditKitServerFixture.BootstrapKey);

        await (await bootstrap.PostAsJsonAsync($"{Tenants}/no-such-tenant/keys", new { role = "read" })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        Content = method == "POST" ? JsonContent.Create(new { action = "READ" }) : null,
    };
}

public sealed class SqliteApiKeyAuthTests(SqliteServerFixture server) : ApiKeyAuthTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresApiKeyAuthTests(PostgresServerFixture server) : ApiKeyAuthTests(server), IClassFixture<PostgresServerFixture>;
