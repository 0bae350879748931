using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AuditKit.Middleware.Tests;

public sealed class SinkFailureTests
{
    private static readonly (HttpMethod Method, string Path, string? Body)[] s_requests =
    [
        (HttpMethod.Get, "/api/items/1?password=x", null),
        (HttpMethod.Post, "/api/items", """{"name":"a","password":"p"}"""),
        (HttpMethod.Delete, "/api/items/1", null),
        (HttpMethod.Get, "/api/forbidden", null),
        (HttpMethod.Get, "/api/missing", null),
        (HttpMethod.Post, "/auth/login", """{"username":"bob"}"""),
    ];

    private static void Map(WebApplication app)
    {
        app.MapGet("/api/items/{id}", (string id, HttpResponse response) =>
        {
            response.Headers["X-Item"] = id;
            return Results.Json(new { id, name = "chair" });
        });
        app.MapPost("/api/items", (Item item) => Results.Created("/api/items/2", item));
        app.MapDelete("/api/items/{id}", (string id) => Results.NoContent());
        app.MapGet("/api/forbidden", () => Results.StatusCode(403));
        app.MapPost("/auth/login", (IAuditLogger audit) =>
        {
            audit.LoginFailed("bob", "invalid_password");
            return Results.Unauthorized();
        });
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task A_throwing_or_refusing_sink_leaves_every_response_unchanged(bool sinkThrows, bool sinkRefuses)
    {
        await using var plain = await AuditedApp.StartAsync(Map, useAuditing: false);
        await using var audited = await AuditedApp.StartAsync(
            Map,
            o => o.Fields = AuditingFields.All,
            services: services =>
            {
                services.AddAuditEnricher<ThrowingEnricher>();
                services.AddAuditTenantResolver<ThrowingTenantResolver>();
            });
        audited.Sink.Throw = sinkThrows;
        audited.Sink.Refuse = sinkRefuses;

        foreach (var (method, path, body) in s_requests)
        {
            var expected = await Describe(await plain.SendAsync(Build(method, path, body)));
            var actual = await Describe(await audited.SendAsync(Build(method, path, body)));
            actual.ShouldBe(expected, $"{method} {path}");
        }

        audited.Sink.Attempts.ShouldBe(s_requests.Length);
        audited.Events.ShouldBeEmpty();
    }

    [Fact]
    public async Task Losses_are_counted()
    {
        await using var app = await AuditedApp.StartAsync(Map);
        using var rejected = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), AuditingMetrics.MeterName, "auditkit.middleware.events.rejected");
        using var failed = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), AuditingMetrics.MeterName, "auditkit.middleware.events.failed");
        using var written = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), AuditingMetrics.MeterName, "auditkit.middleware.events.written");

        await app.GetAsync("/api/items/1");
        app.Sink.Refuse = true;
        await app.GetAsync("/api/items/1");
        app.Sink.Refuse = false;
        app.Sink.Throw = true;
        await app.GetAsync("/api/items/1");
        await app.GetAsync("/api/items/1");

        written.GetMeasurementSnapshot().EvaluateAsCounter().ShouldBe(1);
        rejected.GetMeasurementSnapshot().EvaluateAsCounter().ShouldBe(1);
        failed.GetMeasurementSnapshot().EvaluateAsCounter().ShouldBe(2);
        written.LastMeasurement!.Tags["auditkit.source"].ShouldBe(AuditSources.Http);
    }

    private static HttpRequestMessage Build(HttpMethod method, string path, string? body) => AuditedApp.Request(method, path, r =>
    {
        if (body is not null)
        {
            r.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
    });

    private static async Task<string> Describe(HttpResponseMessage response)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key is not "Date")
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => $"{h.Key}={string.Join(',', h.Value)}");
        return $"{(int)response.StatusCode}|{string.Join(';', headers)}|{await response.Content.ReadAsStringAsync()}";
    }

    private sealed record Item(string Name, string? Password);

    private sealed class ThrowingEnricher : IAuditEnricher
    {
        public void Enrich(HttpContext httpContext, AuditEvent auditEvent) => throw new InvalidOperationException("enricher bug");
    }

    private sealed class ThrowingTenantResolver : IAuditTenantResolver
    {
        public string? ResolveTenant(HttpContext httpContext) => throw new InvalidOperationException("resolver bug");
    }
}
