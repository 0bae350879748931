using Microsoft.AspNetCore.Mvc;

namespace AuditKit.Middleware.Tests;

public sealed class EndpointMetadataTests
{
    private static Task<AuditedApp> StartAsync(Action<AuditingOptions>? configure = null) =>
        AuditedApp.StartAsync(
            app =>
            {
                app.MapGet("/plain", () => "plain");
                app.MapGet("/silent", () => "silent").DisableAuditing();
                app.MapGet("/silent-attribute", [NoAudit] () => "silent");
                app.MapPost("/api/users/{userId}/roles", (string userId) => Results.Ok())
                    .WithAuditing(action: "role.assign", resource: "User", severity: AuditSeverity.Critical, category: "access");
                app.MapGet("/api/reports/{reportId}", [Audited(Action = AuditActions.Export, Resource = "Report", ResourceIdRouteValue = "reportId")] (string reportId) => "report");

                var quiet = app.MapGroup("/internal").DisableAuditing();
                quiet.MapGet("/stats", () => "stats");
                quiet.MapPost("/reindex", () => "ok").WithAuditing(action: "REINDEX");

                var customers = app.MapGroup("/api/customers").WithAuditing(resource: "Customer");
                customers.MapGet("/{id}", (string id) => id);
                customers.MapDelete("/{id}", (string id) => Results.NoContent()).WithAuditing(action: "ARCHIVE");

                app.MapControllers();
            },
            configure,
            services: services => services.AddControllers().AddApplicationPart(typeof(EndpointMetadataTests).Assembly));

    [Fact]
    public async Task DisableAuditing_and_NoAudit_turn_an_endpoint_off()
    {
        await using var app = await StartAsync();

        await app.GetAsync("/silent");
        await app.GetAsync("/silent-attribute");
        await app.GetAsync("/plain");

        app.SingleEvent().Path.ShouldBe("/plain");
    }

    [Fact]
    public async Task WithAuditing_sets_action_resource_severity_and_category()
    {
        await using var app = await StartAsync();

        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/api/users/u-9/roles"));

        var e = app.SingleEvent();
        e.Action.ShouldBe(AuditActions.RoleAssign);
        e.ResourceType.ShouldBe("User");
        e.Severity.ShouldBe(AuditSeverity.Critical);
        e.Category.ShouldBe("access");
        e.ResourceId.ShouldBeNull();
    }

    [Fact]
    public async Task The_Audited_attribute_names_the_resource_id_route_value()
    {
        await using var app = await StartAsync();

        await app.GetAsync("/api/reports/r-12");

        var e = app.SingleEvent();
        e.Action.ShouldBe(AuditActions.Export);
        e.ResourceType.ShouldBe("Report");
        e.ResourceId.ShouldBe("r-12");
    }

    [Fact]
    public async Task Group_metadata_applies_and_the_endpoint_overrides_it()
    {
        await using var app = await StartAsync();

        await app.GetAsync("/internal/stats");
        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/internal/reindex"));
        await app.GetAsync("/api/customers/c-1");
        await app.SendAsync(AuditedApp.Request(HttpMethod.Delete, "/api/customers/c-2"));

        app.Events.Select(e => (e.Path, e.Action, e.ResourceType, e.ResourceId)).ShouldBe(
        [
            ("/internal/reindex", "REINDEX", null, null),
            ("/api/customers/c-1", AuditActions.Read, "Customer", "c-1"),
            ("/api/customers/c-2", "ARCHIVE", "Customer", "c-2"),
        ]);
    }

    [Fact]
    public async Task Controllers_honour_the_attributes()
    {
        await using var app = await StartAsync();

        await app.GetAsync("/api/invoices/inv-3");
        await app.GetAsync("/api/invoices/health-of-invoices");
        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/api/invoices/inv-3/approve"));

        app.Events.Select(e => (e.Path, e.Route, e.Action, e.ResourceType, e.ResourceId, e.Severity)).ShouldBe(
        [
            ("/api/invoices/inv-3", "/api/invoices/{id}", AuditActions.Read, "Invoice", "inv-3", AuditSeverity.Low),
            ("/api/invoices/inv-3/approve", "/api/invoices/{id}/approve", AuditActions.Approve, "Invoice", "inv-3", AuditSeverity.High),
        ]);
    }

    [Fact]
    public async Task ExplicitOnly_records_only_marked_endpoints()
    {
        await using var app = await StartAsync(o => o.Mode = AuditingMode.ExplicitOnly);

        await app.GetAsync("/plain");
        await app.GetAsync("/api/reports/r-1");
        await app.GetAsync("/nowhere");

        app.SingleEvent().Path.ShouldBe("/api/reports/r-1");
    }

    [Fact]
    public async Task StateChanging_records_writes_and_marked_endpoints_only()
    {
        await using var app = await StartAsync(o => o.Mode = AuditingMode.StateChanging);

        await app.GetAsync("/plain");
        await app.GetAsync("/api/customers/c-1");
        await app.SendAsync(AuditedApp.Request(HttpMethod.Delete, "/api/customers/c-1"));
        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/api/users/u-1/roles"));

        app.Events.Select(e => e.Path).ShouldBe(["/api/customers/c-1", "/api/users/u-1/roles", "/api/customers/c-1"], ignoreOrder: true);
        app.Events.Select(e => e.Method).ShouldBe(["GET", "DELETE", "POST"], ignoreOrder: true);
    }

    [Fact]
    public void An_invalid_action_fails_at_start_up()
    {
        Should.Throw<ArgumentException>(() => new AuditedAttribute { Action = "9 lives!" });
    }
}

[ApiController]
[Route("api/invoices")]
[Audited(Resource = "Invoice")]
public sealed class InvoicesController : ControllerBase
{
    [HttpGet("{id}")]
    public string Get(string id) => id;

    [HttpGet("health-of-invoices")]
    [NoAudit]
    public string Health() => "fine";

    [HttpPost("{id}/approve")]
    [Audited(Action = AuditActions.Approve, Severity = AuditSeverity.High)]
    public IActionResult Approve(string id) => Ok(id);
}
