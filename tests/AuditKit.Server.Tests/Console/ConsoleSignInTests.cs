namespace AuditKit.Server.Tests.Console;

/// <summary>Local console users: creation by an admin key, sign-in, lockout, the session cookie and what is recorded.</summary>
public sealed class ConsoleSignInTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    private const string Password = "correct-horse-battery";

    [Fact]
    public async Task The_bootstrap_key_creates_a_console_user_who_signs_in_to_the_tenants_events()
    {
        var tenant = await server.CreateTenantAsync();
        var user = Unique("alice");
        (await ConsoleSession.CreateUserAsync(server, tenant.Id, user, Password, "read")).StatusCode.ShouldBe(HttpStatusCode.Created);
        using (var ingest = server.CreateClient(tenant.IngestKey))
        {
            (await ingest.PostAsJsonAsync("/api/v1/audit-logs", new { action = "EXPORT", description = "quarterly payroll export", user_id = "bob", timestamp = server.Time.GetUtcNow() }))
                .StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        using var session = new ConsoleSession(server);
        var signIn = await session.SignInAsync(user, Password);

        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-auditkit-console=", StringComparison.Ordinal)).ToLowerInvariant();
        cookie.ShouldContain("secure");
        cookie.ShouldContain("httponly");
        cookie.ShouldContain("samesite=strict");

        var home = await session.GetAsync("/console");
        home.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        home.Headers.Location!.OriginalString.ShouldBe($"/console/{tenant.Id}/events");

        var events = await session.GetAsync($"/console/{tenant.Id}/events");
        events.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await events.Content.ReadAsStringAsync()).ShouldContain("quarterly payroll export");
        var csp = events.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("default-src 'self'");
        csp.ShouldNotContain("unsafe-inline");
    }

    [Fact]
    public async Task Console_pages_need_a_session()
    {
        var tenant = await server.CreateTenantAsync();
        using var session = new ConsoleSession(server);

        var events = await session.GetAsync($"/console/{tenant.Id}/events");

        events.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        events.Headers.Location!.AbsolutePath.ShouldBe("/console/sign-in");

        // An API key is not a console session.
        using var withKey = server.CreateClient(tenant.ReadKey);
        var withKeyResponse = await withKey.GetAsync($"/console/{tenant.Id}/events");
        withKeyResponse.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/console/sign-in");
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_user_until_the_lockout_ends()
    {
        var tenant = await server.CreateTenantAsync();
        using var session = await ConsoleSession.ForNewUserAsync(server, tenant.Id, "mallory-target", Password, "read");
        var user = session.User;

        for (var i = 0; i < 4; i++)
        {
            var wrong = await session.SignInAsync(user, "wrong-password-" + i);
            wrong.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await wrong.Content.ReadAsStringAsync()).ShouldContain("not right");
        }

        var fifth = await session.SignInAsync(user, "wrong-password-5");
        (await fifth.Content.ReadAsStringAsync()).ShouldContain("locked");

        var right = await session.SignInAsync(user, Password);
        right.StatusCode.ShouldBe(HttpStatusCode.OK, "the right password is refused while the user is locked");
        (await right.Content.ReadAsStringAsync()).ShouldContain("locked");

        server.Time.Advance(TimeSpan.FromMinutes(15));
        (await session.SignInAsync(user, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task A_success_resets_the_failure_count()
    {
        var tenant = await server.CreateTenantAsync();
        using var session = await ConsoleSession.ForNewUserAsync(server, tenant.Id, "carol", Password, "read");
        var user = session.User;

        for (var i = 0; i < 4; i++)
        {
            await session.SignInAsync(user, "wrong");
        }

        (await session.SignInAsync(user, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        for (var i = 0; i < 4; i++)
        {
            await session.SignInAsync(user, "wrong");
        }

        (await session.SignInAsync(user, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused()
    {
        var tenant = await server.CreateTenantAsync();
        using var session = await ConsoleSession.ForNewUserAsync(server, tenant.Id, "dave", Password, "read");
        var user = session.User;

        var response = await session.PostFormAsync("/console/sign-in", new() { ["username"] = user, ["password"] = Password });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await session.SignInAsync(user, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await session.PostFormAsync("/console/sign-out", new())).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Sign_ins_and_page_views_are_recorded_in_the_tenant_under_the_person()
    {
        var tenant = await server.CreateTenantAsync();
        using var session = await ConsoleSession.ForNewUserAsync(server, tenant.Id, "erin", Password, "read");
        var user = session.User;
        await session.SignInAsync(user, "wrong");
        await session.SignInAsync(user, Password);
        (await session.GetAsync($"/console/{tenant.Id}/events?q=payroll")).EnsureSuccessStatusCode();

        using var read = server.CreateClient(tenant.ReadKey);
        using var document = JsonDocument.Parse(await read.GetStringAsync("/api/v1/audit-logs?category=console&sort_order=asc"));
        var items = document.RootElement.GetProperty("items").EnumerateArray().ToList();

        items.Select(i => i.GetProperty("action").GetString()).ShouldBe(["LOGIN_FAILED", "LOGIN", "READ"]);
        items.ShouldAllBe(i => i.GetProperty("user_id").GetString() == "local:" + user);
        items[0].GetProperty("status").GetString().ShouldBe("FAILURE");
        items[2].GetProperty("description").GetString()!.ShouldContain("filtered by q");
        items[2].GetProperty("description").GetString()!.ShouldNotContain("payroll");

        using var created = JsonDocument.Parse(await read.GetStringAsync("/api/v1/audit-logs?resource=ConsoleUser"));
        var creation = created.RootElement.GetProperty("items").EnumerateArray().Single();
        creation.GetProperty("user_id").GetString().ShouldBe("bootstrap-admin");
        (await server.StoredDataContainsAsync(Password)).ShouldBeFalse("the password is stored only as a hash");
    }

    [Fact]
    public async Task The_admin_api_grants_existing_users_without_touching_their_password()
    {
        var first = await server.CreateTenantAsync();
        var second = await server.CreateTenantAsync();
        var user = Unique("frank");
        (await ConsoleSession.CreateUserAsync(server, first.Id, user, Password, "admin")).StatusCode.ShouldBe(HttpStatusCode.Created);

        // The second tenant's admin may grant the person its own tenant, but not set the password.
        (await ConsoleSession.CreateUserAsync(server, second.Id, user, "another-password-123", "read", second.AdminKey)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ConsoleSession.CreateUserAsync(server, second.Id, user, null, "read", second.AdminKey)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Nor may it create users in another tenant.
        (await ConsoleSession.CreateUserAsync(server, first.Id, Unique("grace"), Password, "read", second.AdminKey)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // Bad input is named.
        var invalid = await ConsoleSession.CreateUserAsync(server, first.Id, "bad name", "short", "owner");
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.TryGetProperty("username", out _).ShouldBeTrue();
        errors.TryGetProperty("password", out _).ShouldBeTrue();
        errors.TryGetProperty("role", out _).ShouldBeTrue();

        using var session = new ConsoleSession(server);
        (await session.SignInAsync(user, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = await (await session.GetAsync($"/console/{second.Id}/events")).Content.ReadAsStringAsync();
        page.ShouldContain($"{first.Id} (admin)");
        page.ShouldContain($"{second.Id} (read)");

        using var listing = server.CreateClient(second.AdminKey);
        var list = await listing.GetFromJsonAsync<JsonElement>($"/api/v1/admin/tenants/{second.Id}/console-users");
        list.GetProperty("items").EnumerateArray().Single().GetProperty("role").GetString().ShouldBe("read");
    }

    internal static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..24];
}
