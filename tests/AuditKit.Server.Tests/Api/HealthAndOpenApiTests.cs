namespace AuditKit.Server.Tests.Api;

/// <summary>Health checks, the OpenAPI document and the API reference, run against SQLite and PostgreSQL.</summary>
public abstract class HealthAndOpenApiTests(AuditKitServerFixture server)
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_healthy_without_a_key(string path)
    {
        using var client = server.CreateClient();

        var response = await client.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("Healthy");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api_and_its_keys()
    {
        using var client = server.CreateClient();

        var response = await client.GetAsync("/openapi/v1.json");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        paths.EnumerateObject().Select(static p => p.Name).ShouldBe(
            ["/api/v1/audit-logs", "/api/v1/audit-logs/batch",
             "/api/v1/audit-logs/resource/{type}/{id}", "/api/v1/audit-logs/user/{userId}", "/api/v1/audit-logs/user/{userId}/ip-history",
             "/api/v1/audit-logs/critical", "/api/v1/audit-logs/failed-auth", "/api/v1/audit-logs/type/{logType}",
             "/api/v1/audit-logs/summary", "/api/v1/audit-logs/export",
             "/api/v1/audit-logs/{id}", "/api/v1/admin/tenants", "/api/v1/admin/tenants/{tenantId}", "/api/v1/admin/tenants/{tenantId}/keys", "/api/v1/admin/tenants/{tenantId}/keys/{keyId}",
             "/api/v1/admin/tenants/{tenantId}/erasures",
             "/api/v1/alerts", "/api/v1/alerts/{id}", "/api/v1/audit-logs/suspicious-activity",
             "/api/v1/admin/tenants/{tenantId}/webhooks", "/api/v1/admin/tenants/{tenantId}/webhooks/{webhookId}", "/api/v1/admin/tenants/{tenantId}/webhook-deliveries",
             "/api/v1/admin/tenants/{tenantId}/console-users", "/api/v1/integrity/verify",
             "/api/v1/admin/tenants/{tenantId}/console-users/{username}",
             "/api/v1/integrity/checkpoints", "/api/v1/integrity/public-keys",
             "/api/v2/events", "/api/v2/events/batch", "/api/v2/events/query", "/api/v2/events/health",
             "/api/v1/audit/logs", "/api/v1/audit/statistics/dashboard",
             "/events", "/events/batch", "/events/query", "/events/{event_id}", "/flush"],
            ignoreOrder: true);
        var list = paths.GetProperty("/api/v1/audit-logs").GetProperty("get");
        list.GetProperty("parameters").EnumerateArray().Select(static p => p.GetProperty("name").GetString())
            .ShouldContain("from_date");
        list.GetProperty("security").GetArrayLength().ShouldBe(2);
        document.RootElement.GetProperty("components").GetProperty("securitySchemes").EnumerateObject().Count().ShouldBe(2);
    }

    [Fact]
    public async Task The_api_reference_is_browsable()
    {
        using var client = server.CreateClient();

        var response = await client.GetAsync("/");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.RequestMessage!.RequestUri!.AbsolutePath.ShouldStartWith("/scalar");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await response.Content.ReadAsStringAsync()).ShouldContain("<title>AuditKit server</title>");
    }

    [Fact]
    public async Task An_unknown_route_is_a_problem()
    {
        using var client = server.CreateClient();

        await (await client.GetAsync("/api/v1/nothing-here")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class SqliteHealthAndOpenApiTests(SqliteServerFixture server) : HealthAndOpenApiTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresHealthAndOpenApiTests(PostgresServerFixture server) : HealthAndOpenApiTests(server), IClassFixture<PostgresServerFixture>;
