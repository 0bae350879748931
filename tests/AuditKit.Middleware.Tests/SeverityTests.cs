namespace AuditKit.Middleware.Tests;

public sealed class SeverityTests
{
    private static Task<AuditedApp> StartAsync(Action<AuditingOptions>? configure = null, IDictionary<string, string?>? settings = null) =>
        AuditedApp.StartAsync(
            app =>
            {
                app.MapMethods("/api/items", ["GET", "POST", "PUT", "PATCH", "DELETE"], () => Results.Ok());
                app.MapGet("/api/status/{code:int}", (int code) => Results.StatusCode(code));
                app.MapPost("/auth/login", (LoginRequest login) =>
                    login.Password == "right" ? Results.Ok() : Results.Unauthorized()).WithAuditing(action: AuditActions.Login);
                app.MapGet("/api/admin", () => Results.Ok()).RequireAuthorization(policy => policy.RequireRole("admin"));
                app.MapDelete("/api/cart/{id}", (string id) => Results.NoContent()).WithAuditing(severity: AuditSeverity.Low);
                app.MapGet("/api/export", () => Results.StatusCode(500)).WithAuditing(action: "EXPORT", severity: AuditSeverity.Medium);
            },
            configure,
            settings: settings);

    [Theory]
    [InlineData("GET", AuditSeverity.Low)]
    [InlineData("POST", AuditSeverity.Medium)]
    [InlineData("PUT", AuditSeverity.Medium)]
    [InlineData("PATCH", AuditSeverity.Medium)]
    [InlineData("DELETE", AuditSeverity.High)]
    public async Task Reads_are_low_writes_medium_and_deletes_high(string method, AuditSeverity severity)
    {
        await using var app = await StartAsync();

        await app.SendAsync(AuditedApp.Request(new HttpMethod(method), "/api/items"));

        app.SingleEvent().Severity.ShouldBe(severity);
    }

    [Fact]
    public async Task A_failed_sign_in_is_LOGIN_FAILED_and_critical()
    {
        await using var app = await StartAsync();

        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/auth/login", r => r.Content = JsonContent("""{"username":"bob","password":"wrong"}""")));
        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/auth/login", r => r.Content = JsonContent("""{"username":"bob","password":"right"}""")));

        var failed = app.Events[0];
        failed.Action.ShouldBe(AuditActions.LoginFailed);
        failed.Status.ShouldBe(AuditStatus.Failure);
        failed.StatusCode.ShouldBe(401);
        failed.Severity.ShouldBe(AuditSeverity.Critical);

        var succeeded = app.Events[1];
        succeeded.Action.ShouldBe(AuditActions.Login);
        succeeded.Status.ShouldBe(AuditStatus.Success);
        succeeded.Severity.ShouldBe(AuditSeverity.Medium);
    }

    [Fact]
    public async Task Forbidden_is_high()
    {
        await using var app = await StartAsync();

        await app.GetAsync("/api/admin", r => r.Headers.Add("X-Test-User", "bob"));

        var e = app.SingleEvent();
        e.StatusCode.ShouldBe(403);
        e.UserId.ShouldBe("bob");
        e.Severity.ShouldBe(AuditSeverity.High);
    }

    [Fact]
    public async Task Unauthenticated_is_recorded_as_a_failure()
    {
        await using var app = await StartAsync();

        await app.GetAsync("/api/admin");

        var e = app.SingleEvent();
        e.StatusCode.ShouldBe(401);
        e.Status.ShouldBe(AuditStatus.Failure);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Server_errors_are_high(int code)
    {
        await using var app = await StartAsync();

        await app.GetAsync($"/api/status/{code}");

        app.SingleEvent().Severity.ShouldBe(AuditSeverity.High);
    }

    [Fact]
    public async Task Client_errors_other_than_403_keep_the_method_severity()
    {
        await using var app = await StartAsync();

        await app.GetAsync("/api/status/404");

        app.SingleEvent().Severity.ShouldBe(AuditSeverity.Low);
    }

    [Fact]
    public async Task An_endpoint_severity_replaces_the_method_rules()
    {
        await using var app = await StartAsync();

        await app.SendAsync(AuditedApp.Request(HttpMethod.Delete, "/api/cart/3"));

        app.SingleEvent().Severity.ShouldBe(AuditSeverity.Low);
    }

    [Fact]
    public async Task Outcome_rules_still_raise_an_endpoint_severity()
    {
        await using var app = await StartAsync();

        await app.GetAsync("/api/export");

        var e = app.SingleEvent();
        e.Action.ShouldBe("EXPORT");
        e.Severity.ShouldBe(AuditSeverity.High);
    }

    [Fact]
    public async Task Rules_can_be_added_from_configuration()
    {
        await using var app = await StartAsync(settings: new Dictionary<string, string?>
        {
            ["AuditKit:SeverityRules:5:MinStatusCode"] = "404",
            ["AuditKit:SeverityRules:5:MaxStatusCode"] = "404",
            ["AuditKit:SeverityRules:5:Severity"] = "Critical",
        });

        await app.GetAsync("/api/status/404");

        app.SingleEvent().Severity.ShouldBe(AuditSeverity.Critical);
    }

    [Fact]
    public async Task Rules_can_be_replaced_in_code()
    {
        await using var app = await StartAsync(o =>
        {
            o.SeverityRules.Clear();
            o.SeverityRules.Add(new AuditSeverityRule { Methods = ["DELETE"], Severity = AuditSeverity.Medium });
            o.DefaultSeverity = AuditSeverity.Medium;
        });

        await app.SendAsync(AuditedApp.Request(HttpMethod.Delete, "/api/items"));
        await app.GetAsync("/api/status/503");

        app.Events.Select(e => e.Severity).ShouldBe([AuditSeverity.Medium, AuditSeverity.Medium]);
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private sealed record LoginRequest(string Username, string Password);
}
