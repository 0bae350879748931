namespace AuditKit.Middleware.Tests;

public sealed class ExclusionAndSamplingTests
{
    private static Task<AuditedApp> StartAsync(Action<AuditingOptions>? configure = null, Func<double>? random = null) =>
        AuditedApp.StartAsync(
            app =>
            {
                app.MapGet("/health", () => "ok");
                app.MapGet("/health/ready", () => "ok");
                app.MapGet("/healthy", () => "recorded: only whole segments are excluded");
                app.MapGet("/css/site.css", () => "body{}");
                app.MapGet("/internal/ping", () => "pong");
                app.MapGet("/api/items", () => "items");
                app.MapGet("/api/missing", () => Results.NotFound());
                app.MapPost("/api/items", () => Results.Created());
                app.MapGet("/api/report", () => "report").WithAuditing(action: AuditActions.Export);
                app.MapPost("/auth/login", (IAuditLogger audit) =>
                {
                    audit.LoginSucceeded("u-1", "alice");
                    return Results.Ok();
                });
                app.MapGet("/auth/sso-callback", (IAuditLogger audit) =>
                {
                    audit.LoginSucceeded("u-2", "bob");
                    return Results.Ok();
                });
            },
            configure,
            services: random is null ? null : services => services.AddSingleton(new AuditSampler(random)));

    [Fact]
    public async Task Health_checks_and_static_files_are_excluded_by_default()
    {
        await using var app = await StartAsync();

        await app.GetAsync("/health");
        await app.GetAsync("/health/ready");
        await app.GetAsync("/HEALTH");
        await app.GetAsync("/css/site.css");
        await app.GetAsync("/healthy");

        app.SingleEvent().Path.ShouldBe("/healthy");
    }

    [Fact]
    public async Task Excluded_paths_are_configurable()
    {
        await using var app = await StartAsync(o => o.ExcludedPaths.Add("/internal"));

        await app.GetAsync("/internal/ping");
        await app.GetAsync("/api/items");

        app.SingleEvent().Path.ShouldBe("/api/items");
    }

    [Fact]
    public async Task Successful_reads_are_sampled_with_the_injected_random_source()
    {
        var draws = new Queue<double>([0.10, 0.90, 0.49, 0.51]);
        await using var app = await StartAsync(o => o.SuccessfulReadSampleRate = 0.5, () => draws.Dequeue());

        for (var i = 0; i < 4; i++)
        {
            await app.GetAsync($"/api/items?n={i}");
        }

        app.Events.Select(e => e.Query).ShouldBe(["?n=0", "?n=2"]);
        draws.ShouldBeEmpty();
    }

    [Fact]
    public async Task Failures_writes_sign_ins_and_other_actions_are_never_sampled_away()
    {
        await using var app = await StartAsync(o => o.SuccessfulReadSampleRate = 0, () => throw new InvalidOperationException("not drawn"));

        await app.GetAsync("/api/items");
        await app.GetAsync("/api/missing");
        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/api/items"));
        await app.GetAsync("/api/report");
        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/auth/login"));
        await app.GetAsync("/auth/sso-callback");

        app.Events.Select(e => (e.Path, e.Action)).ShouldBe(
        [
            ("/api/missing", AuditActions.Read),
            ("/api/items", AuditActions.Create),
            ("/api/report", AuditActions.Export),
            ("/auth/login", AuditActions.Login),
            ("/auth/sso-callback", AuditActions.Login),
        ]);
    }
}
