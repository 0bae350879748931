namespace AuditKit.Server.Tests.Console;

/// <summary>
/// The Admin pages (tenant settings, API keys, webhooks, console users): admin role only, the admin API's own code,
/// every change recorded under the person, secrets shown once and never stored by the browser.
/// </summary>
public sealed partial class ConsoleAdminPagesTests(SqliteDetectionFixture server) : IClassFixture<SqliteDetectionFixture>
{
    private const string Password = "correct-horse-battery";

    private static readonly string[] s_pages = ["admin", "admin/keys", "admin/webhooks", "admin/users"];

    [Fact]
    public async Task Only_an_admin_of_the_tenant_sees_its_admin_pages()
    {
        var mine = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        using var admin = await SignInAsync(mine.Id, "admin");
        using var triage = await SignInAsync(mine.Id, "triage");
        using var reader = await SignInAsync(mine.Id, "read");

        foreach (var page in s_pages)
        {
            var path = $"/console/{mine.Id}/{page}";
            var answer = await admin.GetAsync(path);
            answer.StatusCode.ShouldBe(HttpStatusCode.OK, path);
            (await answer.Content.ReadAsStringAsync()).ShouldContain($"href=\"/console/{mine.Id}/admin\"", customMessage: "the nav links the Admin pages");
            (await triage.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
            (await reader.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
            (await admin.GetAsync($"/console/{other.Id}/{page}")).StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
        }

        // Nor can a read person post to them, even with a valid token of a page it may see.
        var token = await reader.ReadTokenAsync($"/console/{mine.Id}/events");
        (await reader.PostFormAsync($"/console/{mine.Id}/admin/keys?handler=Create", new() { ["KeyRole"] = "read", ["__RequestVerificationToken"] = token }))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await (await reader.GetAsync($"/console/{mine.Id}/events")).Content.ReadAsStringAsync()).ShouldNotContain($"/console/{mine.Id}/admin\"");
        using var keys = server.CreateClient(mine.AdminKey);
        (await keys.GetFromJsonAsync<JsonElement>($"/api/v1/admin/tenants/{mine.Id}/keys")).GetProperty("items").GetArrayLength()
            .ShouldBe(3, "only the fixture's three keys: the refused post created none");

        // Another tenant's admin page names nothing of it.
        var foreign = await admin.GetAsync($"/console/{other.Id}/admin");
        (await foreign.Content.ReadAsStringAsync()).ShouldNotContain(other.Id);
    }

    [Fact]
    public async Task The_settings_page_shows_the_tenant_read_only()
    {
        var tenant = await server.CreateTenantAsync();
        using var admin = await SignInAsync(tenant.Id, "admin");

        var html = await (await admin.GetAsync($"/console/{tenant.Id}/admin")).Content.ReadAsStringAsync();

        html.ShouldContain("id=\"tenant-settings\"");
        html.ShouldContain($"Tenant {tenant.Id}");
        html[html.IndexOf("<main>", StringComparison.Ordinal)..].ShouldNotContain("<form", customMessage: "the settings are shown, not edited");
    }

    [Fact]
    public async Task A_created_key_is_shown_once_works_and_is_recorded_under_the_person_without_the_key()
    {
        var tenant = await server.CreateTenantAsync();
        var name = ConsoleSignInTests.Unique("kay");
        using var admin = await SignInAsync(tenant.Id, "admin", name);
        var token = await admin.ReadTokenAsync($"/console/{tenant.Id}/admin/keys");

        var created = await admin.PostFormAsync(
            $"/console/{tenant.Id}/admin/keys?handler=Create", new() { ["KeyRole"] = "read", ["KeyName"] = "dashboards", ["__RequestVerificationToken"] = token });

        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        created.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var html = await created.Content.ReadAsStringAsync();
        var key = WebUtility.HtmlDecode(NewKeyPattern().Match(html).Groups[1].Value);
        key.ShouldNotBeNullOrEmpty();
        using (var withKey = server.CreateClient(key))
        {
            (await withKey.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(HttpStatusCode.OK, "the new key is a read key of the tenant");
        }

        var list = await (await admin.GetAsync($"/console/{tenant.Id}/admin/keys")).Content.ReadAsStringAsync();
        list.ShouldContain("dashboards");
        list.ShouldNotContain(key, customMessage: "the key is shown on the creation answer only");

        using var read = server.CreateClient(tenant.ReadKey);
        using var events = JsonDocument.Parse(await read.GetStringAsync("/api/v1/audit-logs?resource=ApiKey&sort_order=asc"));
        var items = events.RootElement.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("user_id").GetString() == "local:" + name).ToList();
        items.Select(i => i.GetProperty("action").GetString()).ShouldBe(["READ", "CREATE", "READ"], ignoreOrder: true);
        var creation = items.Single(i => i.GetProperty("action").GetString() == "CREATE");
        creation.GetProperty("category").GetString().ShouldBe("admin");
        creation.GetProperty("username").GetString().ShouldBe(name);
        creation.GetProperty("new_values").GetProperty("name").GetString().ShouldBe("dashboards");
        events.RootElement.GetRawText().ShouldNotContain(key);
    }

    [Fact]
    public async Task A_key_is_revoked_after_a_confirmation_and_the_revocation_is_recorded_under_the_person()
    {
        var tenant = await server.CreateTenantAsync();
        var name = ConsoleSignInTests.Unique("rex");
        using var admin = await SignInAsync(tenant.Id, "admin", name);
        using var keys = server.CreateClient(tenant.AdminKey);
        var readKeyId = (await keys.GetFromJsonAsync<JsonElement>($"/api/v1/admin/tenants/{tenant.Id}/keys")).GetProperty("items").EnumerateArray()
            .Single(k => k.GetProperty("role").GetString() == "read").GetProperty("id").GetString()!;
        var token = await admin.ReadTokenAsync($"/console/{tenant.Id}/admin/keys");

        var confirm = await admin.PostFormAsync($"/console/{tenant.Id}/admin/keys?handler=ConfirmRevoke", new() { ["id"] = readKeyId, ["__RequestVerificationToken"] = token });
        confirm.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await confirm.Content.ReadAsStringAsync()).ShouldContain("id=\"confirm-revoke\"");
        using (var stillLive = server.CreateClient(tenant.ReadKey))
        {
            (await stillLive.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(HttpStatusCode.OK, "asking for a confirmation revokes nothing");
        }

        var revoked = await admin.PostFormAsync($"/console/{tenant.Id}/admin/keys?handler=Revoke", new() { ["id"] = readKeyId, ["__RequestVerificationToken"] = token });
        revoked.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using (var dead = server.CreateClient(tenant.ReadKey))
        {
            (await dead.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        // Revoking again, or a key of another tenant, finds nothing.
        (await admin.PostFormAsync($"/console/{tenant.Id}/admin/keys?handler=Revoke", new() { ["id"] = readKeyId, ["__RequestVerificationToken"] = token }))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var other = await server.CreateTenantAsync();
        using var otherAdmin = server.CreateClient(other.AdminKey);
        var otherKeyId = (await otherAdmin.GetFromJsonAsync<JsonElement>($"/api/v1/admin/tenants/{other.Id}/keys"))
            .GetProperty("items")[0].GetProperty("id").GetString()!;
        (await admin.PostFormAsync($"/console/{tenant.Id}/admin/keys?handler=Revoke", new() { ["id"] = otherKeyId, ["__RequestVerificationToken"] = token }))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);

        using var bootstrap = server.CreateClient(AuditKitServerFixture.BootstrapKey);
        using var reader = server.CreateClient(await AuditKitServerFixture.CreateKeyAsync(bootstrap, tenant.Id, "read"));
        using var events = JsonDocument.Parse(await reader.GetStringAsync("/api/v1/audit-logs?resource=ApiKey&action=DELETE"));
        var deletion = events.RootElement.GetProperty("items").EnumerateArray().Single();
        deletion.GetProperty("user_id").GetString().ShouldBe("local:" + name);
        deletion.GetProperty("resource_id").GetString().ShouldBe(readKeyId);
    }

    [Fact]
    public async Task A_webhook_is_created_with_its_secret_shown_once_and_deleted_after_a_confirmation()
    {
        var tenant = await server.CreateTenantAsync();
        var name = ConsoleSignInTests.Unique("wes");
        using var admin = await SignInAsync(tenant.Id, "admin", name);
        var token = await admin.ReadTokenAsync($"/console/{tenant.Id}/admin/webhooks");

        var refused = await admin.PostFormAsync(
            $"/console/{tenant.Id}/admin/webhooks?handler=Create", new() { ["WebhookUrl"] = "ftp://example", ["__RequestVerificationToken"] = token });
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var refusal = await refused.Content.ReadAsStringAsync();
        refusal.ShouldContain("id=\"form-errors\"");
        refusal.ShouldContain("url ");

        var created = await admin.PostFormAsync(
            $"/console/{tenant.Id}/admin/webhooks?handler=Create",
            new() { ["WebhookUrl"] = "http://127.0.0.1:9/hook", ["MinimumSeverity"] = "HIGH", ["Description"] = "pager", ["__RequestVerificationToken"] = token });
        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        created.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var secret = WebUtility.HtmlDecode(SecretPattern().Match(await created.Content.ReadAsStringAsync()).Groups[1].Value);
        secret.ShouldStartWith("whsec_");

        using var api = server.CreateClient(tenant.AdminKey);
        var hook = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/admin/tenants/{tenant.Id}/webhooks")).GetProperty("items").EnumerateArray().Single();
        hook.GetProperty("url").GetString().ShouldBe("http://127.0.0.1:9/hook");
        var id = hook.GetProperty("id").GetString()!;
        var list = await (await admin.GetAsync($"/console/{tenant.Id}/admin/webhooks")).Content.ReadAsStringAsync();
        list.ShouldContain("pager");
        list.ShouldNotContain(secret);

        var confirm = await admin.PostFormAsync($"/console/{tenant.Id}/admin/webhooks?handler=ConfirmDelete", new() { ["id"] = id, ["__RequestVerificationToken"] = token });
        (await confirm.Content.ReadAsStringAsync()).ShouldContain("id=\"confirm-delete\"");
        (await api.GetFromJsonAsync<JsonElement>($"/api/v1/admin/tenants/{tenant.Id}/webhooks")).GetProperty("items").GetArrayLength().ShouldBe(1);
        (await admin.PostFormAsync($"/console/{tenant.Id}/admin/webhooks?handler=Delete", new() { ["id"] = id, ["__RequestVerificationToken"] = token }))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await api.GetFromJsonAsync<JsonElement>($"/api/v1/admin/tenants/{tenant.Id}/webhooks")).GetProperty("items").GetArrayLength().ShouldBe(0);

        using var read = server.CreateClient(tenant.ReadKey);
        using var events = JsonDocument.Parse(await read.GetStringAsync("/api/v1/audit-logs?resource=Webhook&sort_order=asc"));
        var changes = events.RootElement.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("action").GetString() != "READ").ToList();
        changes.Select(i => i.GetProperty("action").GetString()).ShouldBe(["CREATE", "DELETE"], ignoreOrder: true);
        changes.ShouldAllBe(i => i.GetProperty("user_id").GetString() == "local:" + name);
        events.RootElement.GetRawText().ShouldNotContain(secret);
    }

    [Fact]
    public async Task Console_users_are_created_granted_and_revoked_under_the_person()
    {
        var tenant = await server.CreateTenantAsync();
        var otherTenant = await server.CreateTenantAsync();
        var name = ConsoleSignInTests.Unique("uma");
        using var admin = await SignInAsync(tenant.Id, "admin", name);
        var token = await admin.ReadTokenAsync($"/console/{tenant.Id}/admin/users");
        var newcomer = ConsoleSignInTests.Unique("nell");
        var existing = ConsoleSignInTests.Unique("otto");
        (await ConsoleSession.CreateUserAsync(server, otherTenant.Id, existing, Password, "read")).EnsureSuccessStatusCode();

        var created = await admin.PostFormAsync($"/console/{tenant.Id}/admin/users?handler=Create",
            new() { ["Username"] = newcomer, ["Password"] = "a-long-enough-password", ["NewRole"] = "triage", ["__RequestVerificationToken"] = token });
        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        var createdHtml = await created.Content.ReadAsStringAsync();
        createdHtml.ShouldContain($"{newcomer} created with role triage");
        createdHtml.ShouldNotContain("a-long-enough-password");

        // An existing person is granted a role here without a password; with one it is refused.
        var withPassword = await admin.PostFormAsync($"/console/{tenant.Id}/admin/users?handler=Create",
            new() { ["Username"] = existing, ["Password"] = "set-someone-elses-password", ["NewRole"] = "read", ["__RequestVerificationToken"] = token });
        withPassword.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await withPassword.Content.ReadAsStringAsync()).ShouldContain("id=\"form-errors\"");
        (await admin.PostFormAsync($"/console/{tenant.Id}/admin/users?handler=Create",
            new() { ["Username"] = existing, ["NewRole"] = "read", ["__RequestVerificationToken"] = token })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var list = await (await admin.GetAsync($"/console/{tenant.Id}/admin/users")).Content.ReadAsStringAsync();
        list.ShouldContain($"data-username=\"{newcomer}\"");
        list.ShouldContain($"data-username=\"{existing}\"");

        using (var person = new ConsoleSession(server))
        {
            await person.SignInAsync(newcomer, "a-long-enough-password");
            (await person.GetAsync($"/console/{tenant.Id}/events")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var confirm = await admin.PostFormAsync($"/console/{tenant.Id}/admin/users?handler=ConfirmRevoke", new() { ["username"] = existing, ["__RequestVerificationToken"] = token });
        (await confirm.Content.ReadAsStringAsync()).ShouldContain("id=\"confirm-revoke\"");
        (await admin.PostFormAsync($"/console/{tenant.Id}/admin/users?handler=Revoke", new() { ["username"] = existing, ["__RequestVerificationToken"] = token }))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // The role here is gone, the one in the other tenant stays.
        using (var person = new ConsoleSession(server))
        {
            await person.SignInAsync(existing, Password);
            (await person.GetAsync($"/console/{tenant.Id}/events")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await person.GetAsync($"/console/{otherTenant.Id}/events")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var read = server.CreateClient(tenant.ReadKey);
        using var events = JsonDocument.Parse(await read.GetStringAsync("/api/v1/audit-logs?resource=ConsoleUser&sort_order=asc&category=admin"));
        var changes = events.RootElement.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("user_id").GetString() == "local:" + name).ToList();
        changes.Select(i => (i.GetProperty("action").GetString(), i.GetProperty("resource_name").GetString()))
            .ShouldBe([("CREATE", newcomer), ("PERMISSION_GRANT", existing), ("PERMISSION_REVOKE", existing)], ignoreOrder: true);
        events.RootElement.GetRawText().ShouldNotContain("a-long-enough-password");
    }

    [Theory]
    [InlineData("admin/keys?handler=Create")]
    [InlineData("admin/keys?handler=Revoke")]
    [InlineData("admin/webhooks?handler=Create")]
    [InlineData("admin/webhooks?handler=Delete")]
    [InlineData("admin/users?handler=Create")]
    [InlineData("admin/users?handler=Revoke")]
    public async Task A_form_post_without_the_antiforgery_token_is_refused(string form)
    {
        var tenant = await server.CreateTenantAsync();
        using var admin = await SignInAsync(tenant.Id, "admin");

        var answer = await admin.PostFormAsync($"/console/{tenant.Id}/{form}", new()
        {
            ["KeyRole"] = "admin",
            ["WebhookUrl"] = "http://127.0.0.1:9/hook",
            ["Username"] = ConsoleSignInTests.Unique("zed"),
            ["Password"] = "a-long-enough-password",
            ["NewRole"] = "admin",
        });

        answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var api = server.CreateClient(tenant.AdminKey);
        (await api.GetFromJsonAsync<JsonElement>($"/api/v1/admin/tenants/{tenant.Id}/keys")).GetProperty("items").GetArrayLength().ShouldBe(3);
        (await api.GetFromJsonAsync<JsonElement>($"/api/v1/admin/tenants/{tenant.Id}/webhooks")).GetProperty("items").GetArrayLength().ShouldBe(0);
        (await api.GetFromJsonAsync<JsonElement>($"/api/v1/admin/tenants/{tenant.Id}/console-users")).GetProperty("items").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task The_api_revokes_a_console_users_role_in_the_tenant_only()
    {
        var tenant = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        var user = ConsoleSignInTests.Unique("vic");
        (await ConsoleSession.CreateUserAsync(server, tenant.Id, user, Password, "read")).EnsureSuccessStatusCode();
        (await ConsoleSession.CreateUserAsync(server, other.Id, user, null, "admin")).EnsureSuccessStatusCode();

        using var otherAdmin = server.CreateClient(other.AdminKey);
        (await otherAdmin.DeleteAsync($"/api/v1/admin/tenants/{tenant.Id}/console-users/{user}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var api = server.CreateClient(tenant.AdminKey);
        (await api.DeleteAsync($"/api/v1/admin/tenants/{tenant.Id}/console-users/{user}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await api.DeleteAsync($"/api/v1/admin/tenants/{tenant.Id}/console-users/{user}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await api.GetFromJsonAsync<JsonElement>($"/api/v1/admin/tenants/{tenant.Id}/console-users")).GetProperty("items").GetArrayLength().ShouldBe(0);
        (await otherAdmin.GetFromJsonAsync<JsonElement>($"/api/v1/admin/tenants/{other.Id}/console-users")).GetProperty("items").EnumerateArray().Single()
            .GetProperty("role").GetString().ShouldBe("admin");

        using var read = server.CreateClient(tenant.ReadKey);
        using var events = JsonDocument.Parse(await read.GetStringAsync("/api/v1/audit-logs?resource=ConsoleUser&action=PERMISSION_REVOKE"));
        var revocation = events.RootElement.GetProperty("items").EnumerateArray().Single();
        revocation.GetProperty("user_id").GetString()!.ShouldStartWith("api-key:");
        revocation.GetProperty("old_values").GetProperty("role").GetString().ShouldBe("read");
    }

    /// <summary>A person signed in with <paramref name="role"/> in <paramref name="tenantId"/>.</summary>
    private async Task<ConsoleSession> SignInAsync(string tenantId, string role, string? username = null)
    {
        username ??= ConsoleSignInTests.Unique(role);
        (await ConsoleSession.CreateUserAsync(server, tenantId, username, Password, role)).EnsureSuccessStatusCode();
        var session = new ConsoleSession(server);
        (await session.SignInAsync(username, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return session;
    }

    [GeneratedRegex("id=\"new-key\" readonly value=\"([^\"]+)\"")]
    private static partial Regex NewKeyPattern();

    [GeneratedRegex("id=\"webhook-secret\" readonly value=\"([^\"]+)\"")]
    private static partial Regex SecretPattern();
}
