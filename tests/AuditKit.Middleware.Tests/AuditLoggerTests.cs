using System.Text.Json.Nodes;

namespace AuditKit.Middleware.Tests;

public sealed class AuditLoggerTests
{
    private static Task<AuditedApp> StartAsync(Action<WebApplication>? more = null) =>
        AuditedApp.StartAsync(app =>
        {
            app.MapPut("/api/settings/{key}", (string key, SettingChange change, SettingsService settings) => settings.Change(key, change.Value));
            app.MapPost("/auth/login", (Login login, IAuditLogger audit) =>
            {
                if (login.Password == "alice-password")
                {
                    audit.LoginSucceeded("u-alice", "alice", "alice@example.com");
                    return Results.Ok(new { token = "t" });
                }

                audit.LoginFailed(login.Username, "invalid_password");
                return Results.Unauthorized();
            }).WithAuditing(action: AuditActions.Login);
            app.MapPost("/auth/silent-login", (Login login, IAuditLogger audit) =>
            {
                audit.LoginFailed(login.Username, "unknown_user");
                return Results.Unauthorized();
            }).DisableAuditing();
            more?.Invoke(app);
        }, services: services => services.AddSingleton<SettingsService>());

    [Fact]
    public async Task A_service_layer_event_carries_the_request_context_and_masked_values()
    {
        await using var app = await StartAsync();

        await app.SendAsync(AuditedApp.Request(HttpMethod.Put, "/api/settings/smtp?x=1", r =>
        {
            r.Headers.Add("X-Test-User", "u-admin");
            r.Headers.Add("X-Test-Name", "alice");
            r.Headers.UserAgent.ParseAdd("Admin/2.0");
            r.Content = System.Net.Http.Json.JsonContent.Create(new { value = "smtp.example.com" });
        }));

        app.Events.Count.ShouldBe(2);
        var business = app.Events.Single(e => e.Source == AuditSources.Manual);
        var request = app.Events.Single(e => e.Source == AuditSources.Http);
        business.Action.ShouldBe(AuditActions.SettingChange);
        business.ResourceType.ShouldBe("Setting");
        business.ResourceId.ShouldBe("smtp");
        business.Severity.ShouldBe(AuditSeverity.High);
        business.Status.ShouldBe(AuditStatus.Success);
        business.OldValues!.ToJsonString().ShouldBe("""{"host":"old.example.com","password":"***"}""");
        business.NewValues!.ToJsonString().ShouldBe("""{"host":"smtp.example.com","password":"***"}""");
        business.Metadata!["operation"]!.GetValue<string>().ShouldBe("settings_change");
        business.UserId.ShouldBe("u-admin");
        business.Username.ShouldBe("alice");
        business.UserAgent.ShouldBe("Admin/2.0");
        business.Method.ShouldBe("PUT");
        business.Path.ShouldBe("/api/settings/smtp");
        business.Route.ShouldBe("/api/settings/{key}");
        business.ServiceName.ShouldBe("orders-api");
        business.Timestamp.ShouldBe(AuditedApp.Start);
        business.Id.Version.ShouldBe(7);
        business.TraceId.ShouldBe(request.TraceId);
        business.RequestId.ShouldBe(request.RequestId);
        AuditEventValidator.Validate(business).ShouldBeEmpty();
    }

    [Fact]
    public async Task Sign_in_outcomes_become_the_request_event()
    {
        await using var app = await StartAsync();

        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/auth/login", r => r.Content = System.Net.Http.Json.JsonContent.Create(new { username = "alice", password = "nope" })));
        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/auth/login", r => r.Content = System.Net.Http.Json.JsonContent.Create(new { username = "alice", password = "alice-password" })));

        app.Events.Count.ShouldBe(2);
        var failed = app.Events[0];
        failed.Source.ShouldBe(AuditSources.Http);
        failed.Action.ShouldBe(AuditActions.LoginFailed);
        failed.Username.ShouldBe("alice");
        failed.UserId.ShouldBeNull();
        failed.ErrorMessage.ShouldBe("invalid_password");
        failed.StatusCode.ShouldBe(401);
        failed.Severity.ShouldBe(AuditSeverity.Critical);

        var succeeded = app.Events[1];
        succeeded.Action.ShouldBe(AuditActions.Login);
        succeeded.Status.ShouldBe(AuditStatus.Success);
        succeeded.UserId.ShouldBe("u-alice");
        succeeded.Username.ShouldBe("alice");
        succeeded.UserEmail.ShouldBe("alice@example.com");
        succeeded.ResourceType.ShouldBe("User");
        succeeded.ResourceId.ShouldBe("u-alice");
    }

    [Fact]
    public async Task Sign_in_outcomes_of_unaudited_requests_are_events_of_their_own()
    {
        await using var app = await StartAsync();

        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/auth/silent-login", r => r.Content = System.Net.Http.Json.JsonContent.Create(new { username = "mallory", password = "x" })));

        var e = app.SingleEvent();
        e.Source.ShouldBe(AuditSources.Manual);
        e.Action.ShouldBe(AuditActions.LoginFailed);
        e.Username.ShouldBe("mallory");
        e.Status.ShouldBe(AuditStatus.Failure);
        e.Severity.ShouldBe(AuditSeverity.Critical);
        e.ErrorMessage.ShouldBe("unknown_user");
        e.Path.ShouldBe("/auth/silent-login");
    }

    [Fact]
    public async Task Outside_a_request_the_ambient_context_is_used()
    {
        await using var app = await StartAsync();
        var audit = app.Services.GetRequiredService<IAuditLogger>();
        var contexts = app.Services.GetRequiredService<IAuditContextAccessor>();

        using (contexts.BeginScope(new AuditContext { UserId = "job-runner", TenantId = "acme", TraceId = "4bf92f3577b34da6a3ce929d0e0e4736" }))
        {
            audit.Log(AuditActions.Export, "Report", "r-1", details: new JsonObject { ["rows"] = 10, ["api_key"] = "k" }).ShouldBeTrue();
        }

        var e = app.SingleEvent();
        e.Source.ShouldBe(AuditSources.Manual);
        e.UserId.ShouldBe("job-runner");
        e.TenantId.ShouldBe("acme");
        e.TraceId.ShouldBe("4bf92f3577b34da6a3ce929d0e0e4736");
        e.Severity.ShouldBe(AuditSeverity.High);
        e.Metadata!.ToJsonString().ShouldBe("""{"rows":10,"api_key":"***"}""");
        e.Method.ShouldBeNull();
    }

    [Fact]
    public async Task A_sign_in_outside_a_request_is_a_manual_event_on_the_user()
    {
        await using var app = await StartAsync();
        var audit = app.Services.GetRequiredService<IAuditLogger>();

        audit.LoginSucceeded("u-1", "alice", "alice@example.com").ShouldBeTrue();

        var e = app.SingleEvent();
        (e.Source, e.Action, e.Status, e.Severity).ShouldBe((AuditSources.Manual, AuditActions.Login, AuditStatus.Success, AuditSeverity.Low));
        (e.ResourceType, e.ResourceId, e.UserId, e.Username, e.UserEmail, e.ErrorMessage)
            .ShouldBe(("User", "u-1", "u-1", "alice", "alice@example.com", null));
    }

    [Fact]
    public async Task A_failure_is_at_least_medium_and_actions_are_normalized()
    {
        await using var app = await StartAsync();
        var audit = app.Services.GetRequiredService<IAuditLogger>();

        audit.Log("report.viewed", "Report", "r-1", success: false).ShouldBeTrue();

        var e = app.SingleEvent();
        e.Action.ShouldBe("REPORT_VIEWED");
        e.Status.ShouldBe(AuditStatus.Failure);
        e.Severity.ShouldBe(AuditSeverity.Medium);
    }

    [Fact]
    public async Task A_full_sink_is_reported_to_the_caller_not_thrown()
    {
        await using var app = await StartAsync();
        var audit = app.Services.GetRequiredService<IAuditLogger>();
        app.Sink.Refuse = true;

        audit.Log(AuditActions.Update, "Customer", "c-1").ShouldBeFalse();
        app.Sink.Throw = true;
        audit.Log(AuditActions.Update, "Customer", "c-1").ShouldBeFalse();
    }

    private sealed record SettingChange(string Value);

    private sealed record Login(string Username, string Password);

    /// <summary>A service in the style of the explicit-event seed: it logs where it knows what changed.</summary>
    private sealed class SettingsService(IAuditLogger audit)
    {
        public IResult Change(string key, string value)
        {
            audit.Log(
                AuditActions.SettingChange,
                resourceType: "Setting",
                resourceId: key,
                details: new JsonObject { ["operation"] = "settings_change" },
                oldValues: new JsonObject { ["host"] = "old.example.com", ["password"] = "old-secret" },
                newValues: new JsonObject { ["host"] = value, ["password"] = "new-secret" });
            return Results.NoContent();
        }
    }
}
