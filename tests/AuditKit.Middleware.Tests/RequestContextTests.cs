namespace AuditKit.Middleware.Tests;

public sealed class RequestContextTests
{
    [Theory]
    [InlineData("Claim", null, "acme")]
    [InlineData("Header", null, "globex")]
    [InlineData("Host", null, "initech")]
    [InlineData("Fixed", "umbrella", "umbrella")]
    [InlineData("None", null, null)]
    public async Task The_tenant_comes_from_the_configured_source(string source, string? fixedTenant, string? expected)
    {
        await using var app = await AuditedApp.StartAsync(
            app => app.MapGet("/api/items", () => "ok"),
            settings: new Dictionary<string, string?> { ["AuditKit:Tenant:Source"] = source, ["AuditKit:Tenant:TenantId"] = fixedTenant });

        await app.GetAsync("http://initech.example.com/api/items", r =>
        {
            r.Headers.Add("X-Test-User", "u-1");
            r.Headers.Add("X-Test-Tenant", "acme");
            r.Headers.Add("X-Tenant-Id", "globex");
        });

        app.SingleEvent().TenantId.ShouldBe(expected);
    }

    [Fact]
    public async Task A_header_tenant_sent_twice_is_not_trusted()
    {
        await using var app = await AuditedApp.StartAsync(
            app => app.MapGet("/api/items", () => "ok"),
            o => o.Tenant.Source = AuditTenantSource.Header);

        await app.GetAsync("/api/items", r => r.Headers.Add("X-Tenant-Id", ["globex", "acme"]));

        app.SingleEvent().TenantId.ShouldBeNull();
    }

    [Fact]
    public async Task A_custom_tenant_resolver_and_enrichers_apply()
    {
        await using var app = await AuditedApp.StartAsync(
            app => app.MapGet("/api/items", () => "ok"),
            services: services =>
            {
                services.AddAuditTenantResolver<QueryTenantResolver>();
                services.AddAuditEnricher<RegionEnricher>();
            });

        await app.GetAsync("/api/items?org=hooli");

        var e = app.SingleEvent();
        e.TenantId.ShouldBe("hooli");
        e.Tags.ShouldBe(["GDPR"]);
        e.DataClassification.ShouldBe("internal");
        e.Metadata!["region"]!.GetValue<string>().ShouldBe("eu-west");
    }

    [Fact]
    public async Task The_ambient_context_of_a_request_matches_its_event()
    {
        AuditContext? seen = null;
        await using var app = await AuditedApp.StartAsync(
            app => app.MapPost("/api/orders", (IAuditContextAccessor contexts) =>
            {
                seen = contexts.Current;
                return Results.Ok();
            }),
            settings: new Dictionary<string, string?> { ["AuditKit:Tenant:Source"] = "Claim" });

        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/api/orders", r =>
        {
            r.Headers.Add("X-Test-User", "u-5");
            r.Headers.Add("X-Test-Tenant", "acme");
        }));

        var e = app.SingleEvent();
        seen.ShouldNotBeNull();
        seen.UserId.ShouldBe("u-5");
        seen.TenantId.ShouldBe("acme");
        seen.TraceId.ShouldBe(e.TraceId);
        seen.RequestId.ShouldBe(e.RequestId);
    }

    [Fact]
    public async Task Invalid_options_fail_at_start_up_naming_the_setting()
    {
        var exception = await Should.ThrowAsync<OptionsValidationException>(() => AuditedApp.StartAsync(
            app => app.MapGet("/", () => "ok"),
            settings: new Dictionary<string, string?>
            {
                ["AuditKit:SuccessfulReadSampleRate"] = "1.5",
                ["AuditKit:Tenant:Source"] = "Fixed",
            }));

        exception.Message.ShouldContain("AuditKit:SuccessfulReadSampleRate");
        exception.Message.ShouldContain("AuditKit:Tenant:TenantId");
    }

    [Fact]
    public void UseAuditing_without_AddAuditing_says_what_is_missing()
    {
        var builder = WebApplication.CreateSlimBuilder();
        using var app = builder.Build();

        var exception = Should.Throw<InvalidOperationException>(() => app.UseAuditing());

        exception.Message.ShouldContain("AddAuditing()");
    }

    private sealed class QueryTenantResolver : IAuditTenantResolver
    {
        public string? ResolveTenant(HttpContext httpContext) => httpContext.Request.Query["org"].ToString();
    }

    private sealed class RegionEnricher : IAuditEnricher
    {
        public void Enrich(HttpContext httpContext, AuditEvent auditEvent)
        {
            auditEvent.Tags = ["GDPR"];
            auditEvent.DataClassification = "internal";
            (auditEvent.Metadata ??= [])["region"] = "eu-west";
        }
    }
}
