namespace AuditKit.Middleware.Tests;

/// <summary>The sample-app as shipped, auditing into memory: what each of its operations records.</summary>
public sealed class SampleAppTests : IAsyncLifetime
{
    private const string Ssn = "987-65-4321";
    private readonly SampleAppFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private IReadOnlyList<AuditEvent> Events => _factory.Sink.Events;

    [Fact]
    public async Task Ping_is_anonymous_and_recorded_as_a_low_read()
    {
        using var client = _factory.CreateClient();

        (await client.GetAsync("/api/ping")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await _factory.Requests.IdleAsync();

        var e = Events.Single(e => e.Path == "/api/ping");
        e.Action.ShouldBe(AuditActions.Read);
        e.Severity.ShouldBe(AuditSeverity.Low);
        e.UserId.ShouldBeNull();
        e.ServiceName.ShouldBe("sample-app");
        e.Route.ShouldBe("/api/ping");
    }

    [Fact]
    public async Task Sign_ins_are_audited_with_their_outcome_and_never_the_password()
    {
        using var client = _factory.CreateClient();

        (await client.PostAsJsonAsync("/auth/login", new { username = "alice", password = "wrong-password" })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await client.PostAsJsonAsync("/auth/login", new { username = "nobody", password = "x" })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await _factory.LoginAsync(client, "alice", "alice-password");
        await _factory.Requests.IdleAsync();

        var logins = Events.Where(e => e.Path == "/auth/login").ToList();
        logins.Select(e => (e.Action, e.Username, e.Status, e.StatusCode, e.Severity, e.ErrorMessage)).ShouldBe(
        [
            (AuditActions.LoginFailed, "alice", AuditStatus.Failure, 401, AuditSeverity.Critical, "invalid_password"),
            (AuditActions.LoginFailed, "nobody", AuditStatus.Failure, 401, AuditSeverity.Critical, "unknown_user"),
            (AuditActions.Login, "alice", AuditStatus.Success, 200, AuditSeverity.Medium, null),
        ]);
        logins[2].UserId.ShouldBe("1");
        logins[2].UserEmail.ShouldBe("alice@example.com");
        AssertNoneContains("wrong-password", "alice-password");
    }

    [Fact]
    public async Task Customers_CRUD_is_audited_per_request_and_per_entity_with_the_ssn_masked()
    {
        using var anonymous = _factory.CreateClient();
        using var client = _factory.CreateClient(await _factory.LoginAsync(anonymous, "bob", "bob-password"));

        var created = await client.PostAsJsonAsync("/api/customers", new { name = "Ann", email = "ann@example.com", ssn = Ssn });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        (await client.GetAsync($"/api/customers/{id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.PutAsJsonAsync($"/api/customers/{id}", new { name = "Ann B", email = "ann@example.com", ssn = "111-22-3333" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.DeleteAsync($"/api/customers/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await _factory.Requests.IdleAsync();

        var requests = Events.Where(e => e.Source == AuditSources.Http && e.Route?.StartsWith("/api/customers", StringComparison.Ordinal) == true).ToList();
        requests.Select(e => (e.Method, e.Action, e.ResourceType, e.ResourceId, e.Severity, e.Username)).ShouldBe(
        [
            ("POST", AuditActions.Create, "Customer", null, AuditSeverity.Medium, "bob"),
            ("GET", AuditActions.Read, "Customer", $"{id}", AuditSeverity.Low, "bob"),
            ("PUT", AuditActions.Update, "Customer", $"{id}", AuditSeverity.Medium, "bob"),
            ("DELETE", AuditActions.Delete, "Customer", $"{id}", AuditSeverity.High, "bob"),
        ]);
        requests[0].Metadata!["request_body"]!["ssn"]!.GetValue<string>().ShouldBe("***");

        var entities = Events.Where(e => e.Source == AuditSources.EfCore && e.ResourceType == "Customer").ToList();
        entities.Select(e => e.Action).ShouldBe([AuditActions.Create, AuditActions.Update, AuditActions.Delete]);
        entities.ShouldAllBe(e => e.ResourceId == $"{id}" && e.UserId == "2");

        // The entity events of a request share its trace id.
        entities[0].TraceId.ShouldBe(requests[0].TraceId);
        entities[2].TraceId.ShouldBe(requests[3].TraceId);
        AssertNoneContains(Ssn, "111-22-3333");
    }

    [Fact]
    public async Task Role_assignment_is_admin_only_and_critical()
    {
        using var anonymous = _factory.CreateClient();
        using var bob = _factory.CreateClient(await _factory.LoginAsync(anonymous, "bob", "bob-password"));
        using var alice = _factory.CreateClient(await _factory.LoginAsync(anonymous, "alice", "alice-password"));

        (await bob.PostAsJsonAsync("/api/users/2/roles", new { role = "admin" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await alice.PostAsJsonAsync("/api/users/2/roles", new { role = "auditor" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await _factory.Requests.IdleAsync();

        var assignments = Events.Where(e => e.Source == AuditSources.Http && e.Route == "/api/users/{id:int}/roles").ToList();
        assignments.Select(e => (e.Action, e.Username, e.StatusCode, e.Status, e.Severity, e.ResourceType, e.ResourceId)).ShouldBe(
        [
            (AuditActions.RoleAssign, "bob", 403, AuditStatus.Failure, AuditSeverity.Critical, "User", "2"),
            (AuditActions.RoleAssign, "alice", 200, AuditStatus.Success, AuditSeverity.Critical, "User", "2"),
        ]);

        var change = Events.Single(e => e.Source == AuditSources.EfCore && e.ResourceType == "AppUser" && e.Action == AuditActions.Update);
        change.ResourceId.ShouldBe("2");
        change.Username.ShouldBe("alice");
        var roles = change.Changes!.Single(c => c.Property == "Roles");
        roles.Old!.GetValue<string>().ShouldBe("user");
        roles.New!.GetValue<string>().ShouldBe("user,auditor");
    }

    [Fact]
    public async Task Settings_changes_are_a_config_update_and_an_explicit_setting_change()
    {
        using var anonymous = _factory.CreateClient();
        using var alice = _factory.CreateClient(await _factory.LoginAsync(anonymous, "alice", "alice-password"));

        (await alice.PutAsJsonAsync("/api/admin/settings/support_email", new { value = "help@example.com" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await _factory.Requests.IdleAsync();

        var request = Events.Single(e => e.Source == AuditSources.Http && e.Method == "PUT");
        request.Action.ShouldBe(AuditActions.ConfigUpdate);
        request.ResourceType.ShouldBe("Setting");
        request.ResourceId.ShouldBe("support_email");
        request.Severity.ShouldBe(AuditSeverity.Medium);

        var change = Events.Single(e => e.Source == AuditSources.Manual);
        change.Action.ShouldBe(AuditActions.SettingChange);
        change.Severity.ShouldBe(AuditSeverity.High);
        change.OldValues!["support_email"]!.GetValue<string>().ShouldBe("support@example.com");
        change.NewValues!["support_email"]!.GetValue<string>().ShouldBe("help@example.com");
        change.Username.ShouldBe("alice");
        change.TraceId.ShouldBe(request.TraceId);

        // The token's sid claim is the sign-in session: the request and the explicit event both carry it.
        request.SessionId.ShouldNotBeNullOrEmpty();
        change.SessionId.ShouldBe(request.SessionId);
    }

    [Fact]
    public async Task A_full_sink_changes_nothing_for_the_sample_app()
    {
        using var anonymous = _factory.CreateClient();
        _factory.Sink.Clear();
        _factory.Sink.Refuse = true;

        var token = await _factory.LoginAsync(anonymous, "alice", "alice-password");
        using var alice = _factory.CreateClient(token);
        var created = await alice.PostAsJsonAsync("/api/customers", new { name = "Zed", email = "zed@example.com", ssn = Ssn });
        (await anonymous.GetAsync("/api/ping")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anonymous.PostAsJsonAsync("/auth/login", new { username = "alice", password = "nope" })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await _factory.Requests.IdleAsync();

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ssnLast4").GetString().ShouldBe("4321");
        Events.ShouldBeEmpty();
        _factory.Sink.Attempts.ShouldBeGreaterThanOrEqualTo(5);
    }

    private void AssertNoneContains(params string[] secrets)
    {
        foreach (var e in Events)
        {
            var json = JsonSerializer.Serialize(e, AuditJsonContext.Default.AuditEvent);
            foreach (var secret in secrets)
            {
                json.ShouldNotContain(secret);
            }
        }
    }
}
