namespace AuditKit.Server.Tests.Console;

/// <summary>
/// An open session of a local console user follows the store within <c>RevalidationInterval</c> (1 minute by default):
/// revoked roles, new roles, locked and role-less users.
/// </summary>
public sealed class ConsoleSessionRevalidationTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    private const string Password = "correct-horse-battery";
    private static readonly TimeSpan s_pastInterval = TimeSpan.FromSeconds(61);

    [Fact]
    public async Task A_revoked_role_ends_access_to_that_tenant_within_the_interval_and_keeps_the_others()
    {
        var a = await server.CreateTenantAsync();
        var b = await server.CreateTenantAsync();
        var user = ConsoleSignInTests.Unique("carol");
        (await ConsoleSession.CreateUserAsync(server, a.Id, user, Password, "read")).EnsureSuccessStatusCode();
        (await ConsoleSession.CreateUserAsync(server, b.Id, user, null, "read")).EnsureSuccessStatusCode();
        using var session = new ConsoleSession(server);
        (await session.SignInAsync(user, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await session.GetAsync($"/console/{b.Id}/events")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using (var admin = server.CreateClient(AuditKitServerFixture.BootstrapKey))
        {
            (await admin.DeleteAsync($"/api/v1/admin/tenants/{b.Id}/console-users/{user}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        // Within the interval the session is not re-read (the cost of a check per request is not paid) ...
        (await session.GetAsync($"/console/{b.Id}/events")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // ... once it has passed, tenant B is gone and tenant A stays, without signing in again.
        server.Time.Advance(s_pastInterval);
        var revoked = await session.GetAsync($"/console/{b.Id}/events");
        revoked.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await session.GetAsync($"/console/{b.Id}/events?q=x")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var kept = await session.GetAsync($"/console/{a.Id}/events");
        kept.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await kept.Content.ReadAsStringAsync();
        html.ShouldContain(a.Id);
        html.ShouldNotContain(b.Id);
    }

    [Fact]
    public async Task A_new_role_shows_up_in_the_open_session()
    {
        var tenant = await server.CreateTenantAsync();
        using var session = await ConsoleSession.SignInNewUserAsync(server, tenant.Id, "read", Password, name: "dave");
        var user = session.User;
        (await session.GetAsync($"/console/{tenant.Id}/admin")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        (await ConsoleSession.CreateUserAsync(server, tenant.Id, user, null, "admin")).EnsureSuccessStatusCode();
        server.Time.Advance(s_pastInterval);

        var admin = await session.GetAsync($"/console/{tenant.Id}/admin");
        admin.StatusCode.ShouldBe(HttpStatusCode.OK);
        admin.Headers.TryGetValues("Set-Cookie", out var cookies).ShouldBeTrue();
        cookies!.ShouldContain(c => c.StartsWith("__Host-auditkit-console=", StringComparison.Ordinal));

        // The renewed cookie carries the new grant: the next request needs no store read to see it.
        (await session.GetAsync($"/console/{tenant.Id}/admin/keys")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_user_without_any_role_left_loses_the_session()
    {
        var tenant = await server.CreateTenantAsync();
        using var session = await ConsoleSession.SignInNewUserAsync(server, tenant.Id, "admin", Password, name: "erin");
        var user = session.User;
        (await session.GetAsync($"/console/{tenant.Id}/events")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using (var admin = server.CreateClient(AuditKitServerFixture.BootstrapKey))
        {
            (await admin.DeleteAsync($"/api/v1/admin/tenants/{tenant.Id}/console-users/{user}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        server.Time.Advance(s_pastInterval);
        await ShouldBeSignedOutAsync(session, tenant.Id);
    }

    [Fact]
    public async Task A_locked_user_loses_the_session()
    {
        var tenant = await server.CreateTenantAsync();
        using var session = await ConsoleSession.SignInNewUserAsync(server, tenant.Id, "read", Password, name: "frank");
        var user = session.User;
        (await session.GetAsync($"/console/{tenant.Id}/events")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using (var attacker = new ConsoleSession(server))
        {
            for (var i = 0; i < 5; i++)
            {
                await attacker.SignInAsync(user, "wrong-password-" + i);
            }
        }

        server.Time.Advance(s_pastInterval);
        await ShouldBeSignedOutAsync(session, tenant.Id);
    }

    [Theory]
    [InlineData("00:00:00", true)]
    [InlineData("00:10:00", true)]
    [InlineData("-00:00:01", false)]
    [InlineData("00:10:01", false)]
    public void The_interval_is_validated(string interval, bool valid)
    {
        var options = new ConsoleSignInOptions { RevalidationInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) };

        var result = new ConsoleSignInOptionsValidator().Validate(null, options);

        result.Succeeded.ShouldBe(valid);
        if (!valid)
        {
            result.FailureMessage!.ShouldContain("AuditKit:Console:RevalidationInterval");
        }
    }

    private static async Task ShouldBeSignedOutAsync(ConsoleSession session, string tenantId)
    {
        var rejected = await session.GetAsync($"/console/{tenantId}/events");
        rejected.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        rejected.Headers.Location!.AbsolutePath.ShouldBe("/console/sign-in");
        rejected.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith("__Host-auditkit-console=;", StringComparison.Ordinal));

        // The cookie is gone: the next request is anonymous too.
        var again = await session.GetAsync($"/console/{tenantId}/events");
        again.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        again.Headers.Location!.AbsolutePath.ShouldBe("/console/sign-in");
    }
}
