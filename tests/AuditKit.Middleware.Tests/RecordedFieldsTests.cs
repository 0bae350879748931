using System.Diagnostics;

namespace AuditKit.Middleware.Tests;

public sealed class RecordedFieldsTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static Task<AuditedApp> StartAsync(Action<AuditingOptions>? configure = null, IDictionary<string, string?>? settings = null) =>
        AuditedApp.StartAsync(
            app =>
            {
                app.MapGet("/api/orders/{id}", (string id, HttpContext context, TimeProvider time) =>
                {
                    // The handler takes 25 ms of (fake) time, so the recorded duration is exact.
                    ((Microsoft.Extensions.Time.Testing.FakeTimeProvider)time).Advance(TimeSpan.FromMilliseconds(25));
                    return Results.Ok(new Seen(context.TraceIdentifier, Activity.Current?.TraceId.ToHexString()));
                }).WithAuditing(resource: "Order");
                app.MapMethods("/api/orders", ["POST", "PUT", "PATCH", "DELETE", "GET"], () => Results.Ok());
                app.MapGet("/api/status/{code:int}", (int code) => Results.StatusCode(code));
            },
            configure,
            settings: settings);

    [Fact]
    public async Task A_request_records_every_field()
    {
        await using var app = await StartAsync(settings: new Dictionary<string, string?> { ["AuditKit:Tenant:Source"] = "Claim" });

        var response = await app.GetAsync("/api/orders/42?page=2&password=hunter2", request =>
        {
            request.Headers.Add("X-Test-User", "u-17");
            request.Headers.Add("X-Test-Name", "alice");
            request.Headers.Add("X-Test-Email", "alice@example.com");
            request.Headers.Add("X-Test-Session", "s-5f2c");
            request.Headers.Add("X-Test-Tenant", "acme");
            request.Headers.Add("traceparent", TraceParent);
            request.Headers.UserAgent.ParseAdd("AuditTests/1.0");
        });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var seen = await response.Content.ReadFromJsonAsync<Seen>();

        var e = app.SingleEvent();
        e.Id.ShouldNotBe(Guid.Empty);
        e.Id.Version.ShouldBe(7);
        e.Timestamp.ShouldBe(AuditedApp.Start);
        e.Source.ShouldBe(AuditSources.Http);
        e.Action.ShouldBe(AuditActions.Read);
        e.Method.ShouldBe("GET");
        e.Path.ShouldBe("/api/orders/42");
        e.Route.ShouldBe("/api/orders/{id}");
        e.Query.ShouldBe("?page=2&password=***");
        e.ResourceType.ShouldBe("Order");
        e.ResourceId.ShouldBe("42");
        e.StatusCode.ShouldBe(200);
        e.Status.ShouldBe(AuditStatus.Success);
        e.Severity.ShouldBe(AuditSeverity.Low);
        e.DurationMs.ShouldBe(25);
        e.UserId.ShouldBe("u-17");
        e.Username.ShouldBe("alice");
        e.UserEmail.ShouldBe("alice@example.com");
        e.SessionId.ShouldBe("s-5f2c");
        e.TenantId.ShouldBe("acme");
        e.UserAgent.ShouldBe("AuditTests/1.0");
        e.RequestId.ShouldBe(seen!.RequestId);
        e.TraceId.ShouldBe("0af7651916cd43dd8448eb211c80319c");
        e.ServiceName.ShouldBe("orders-api");
        e.ServiceVersion.ShouldBe("1.2.3");
        e.ErrorCode.ShouldBeNull();
        e.ErrorMessage.ShouldBeNull();
        AuditEventValidator.Validate(e).ShouldBeEmpty();
    }

    [Fact]
    public async Task Anonymous_requests_record_no_user_and_a_trace_id_of_their_own()
    {
        await using var app = await StartAsync();

        var response = await app.GetAsync("/api/orders/7");
        var seen = await response.Content.ReadFromJsonAsync<Seen>();

        var e = app.SingleEvent();
        e.UserId.ShouldBeNull();
        e.Username.ShouldBeNull();
        e.UserEmail.ShouldBeNull();
        e.TenantId.ShouldBeNull();
        e.TraceId.ShouldNotBeNullOrEmpty();
        e.TraceId!.Length.ShouldBe(32);
        if (seen!.TraceId is not null)
        {
            e.TraceId.ShouldBe(seen.TraceId);
        }
    }

    [Fact]
    public async Task The_user_agent_is_bounded()
    {
        await using var app = await StartAsync(o => o.UserAgentMaxLength = 16);

        await app.GetAsync("/api/orders/1", request => request.Headers.TryAddWithoutValidation("User-Agent", new string('a', 600)));

        app.SingleEvent().UserAgent.ShouldBe(new string('a', 16));
    }

    [Theory]
    [InlineData("GET", AuditActions.Read)]
    [InlineData("POST", AuditActions.Create)]
    [InlineData("PUT", AuditActions.Update)]
    [InlineData("PATCH", AuditActions.Update)]
    [InlineData("DELETE", AuditActions.Delete)]
    public async Task The_action_follows_the_method(string method, string action)
    {
        await using var app = await StartAsync();

        await app.SendAsync(AuditedApp.Request(new HttpMethod(method), "/api/orders"));

        app.SingleEvent().Action.ShouldBe(action);
    }

    [Fact]
    public async Task The_method_to_action_map_is_configurable()
    {
        await using var app = await StartAsync(o => o.MethodActions["POST"] = "submit");

        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/api/orders"));

        app.SingleEvent().Action.ShouldBe("SUBMIT");
    }

    [Theory]
    [InlineData(200, AuditStatus.Success)]
    [InlineData(302, AuditStatus.Success)]
    [InlineData(399, AuditStatus.Success)]
    [InlineData(400, AuditStatus.Failure)]
    [InlineData(404, AuditStatus.Failure)]
    [InlineData(503, AuditStatus.Failure)]
    public async Task The_status_is_success_below_400(int code, AuditStatus status)
    {
        await using var app = await StartAsync();

        await app.GetAsync($"/api/status/{code}");

        var e = app.SingleEvent();
        e.StatusCode.ShouldBe(code);
        e.Status.ShouldBe(status);
    }

    [Fact]
    public async Task Optional_fields_can_be_turned_off()
    {
        await using var app = await StartAsync(o => o.Fields = AuditingFields.None);

        await app.GetAsync("/api/orders/42?page=2", request =>
        {
            request.Headers.Add("X-Test-User", "u-17");
            request.Headers.UserAgent.ParseAdd("AuditTests/1.0");
        });

        var e = app.SingleEvent();
        e.Query.ShouldBeNull();
        e.UserId.ShouldBeNull();
        e.UserAgent.ShouldBeNull();
        e.IpAddress.ShouldBeNull();
        e.Path.ShouldBe("/api/orders/42");
    }

    [Fact]
    public async Task Unmatched_requests_are_recorded_without_a_route()
    {
        await using var app = await StartAsync();

        (await app.GetAsync("/nowhere")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var e = app.SingleEvent();
        e.Route.ShouldBeNull();
        e.StatusCode.ShouldBe(404);
        e.Status.ShouldBe(AuditStatus.Failure);
    }

    private sealed record Seen(string RequestId, string? TraceId);
}
