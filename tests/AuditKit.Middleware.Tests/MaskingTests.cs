using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;

namespace AuditKit.Middleware.Tests;

public sealed class MaskingTests
{
    private const string Secret = "s3cr3t-VALUE-9f2c";

    private static Task<AuditedApp> StartAsync(Action<AuditingOptions>? configure = null) =>
        AuditedApp.StartAsync(
            app =>
            {
                app.MapGet("/api/search", () => "ok");
                app.MapPost("/api/signup", (SignUp body, HttpResponse response) =>
                {
                    response.Headers.SetCookie = $"session={Secret}; HttpOnly";
                    response.Headers["X-Internal-Token"] = Secret;
                    return Results.Json(new { id = "u-1", apiKey = Secret, name = body.Name });
                });
                app.MapPost("/api/form", (HttpRequest request) => request.ReadFormAsync().ContinueWith(_ => "ok"));
                app.MapGet("/api/reset/{token}", (string token) => "ok");
                app.MapPost("/api/big", (JsonObject body) => "ok");
                app.MapPost("/api/text", async (HttpRequest request) => await new StreamReader(request.Body).ReadToEndAsync());
                app.MapControllers();
            },
            configure,
            services: services => services.AddControllers().AddApplicationPart(typeof(MaskingTests).Assembly));

    [Fact]
    public async Task Sensitive_query_keys_are_masked_even_when_encoded()
    {
        await using var app = await StartAsync();

        await app.GetAsync($"/api/search?q=shoes&password={Secret}&API_KEY={Secret}&access_token={Secret}&api%20key={Secret}&page=3");

        app.SingleEvent().Query.ShouldBe("?q=shoes&password=***&API_KEY=***&access_token=***&api%20key=***&page=3");
    }

    [Fact]
    public async Task Headers_are_recorded_by_allowlist_and_credentials_never()
    {
        await using var app = await StartAsync(o =>
        {
            o.Fields |= AuditingFields.RequestHeaders | AuditingFields.ResponseHeaders;
            o.RequestHeaders.Add("X-Api-Key");
            o.ResponseHeaders.Add("X-Internal-Token");
        });

        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/api/signup", r =>
        {
            r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
            r.Headers.Add("Cookie", $"session={Secret}");
            r.Headers.Add("X-Api-Key", Secret);
            r.Headers.Add("X-Custom", "not on the allowlist");
            r.Headers.Accept.ParseAdd("application/json");
            r.Content = new StringContent("""{"name":"ann","password":"x"}""", Encoding.UTF8, "application/json");
        }));

        var metadata = app.SingleEvent().Metadata!;
        var request = metadata["request_headers"]!.AsObject();
        request.ContainsKey("authorization").ShouldBeFalse();
        request.ContainsKey("cookie").ShouldBeFalse();
        request["x-api-key"]!.GetValue<string>().ShouldBe("***");
        request["x-custom"]!.GetValue<string>().ShouldBe("***");
        request["accept"]!.GetValue<string>().ShouldBe("application/json");
        request["content-type"]!.GetValue<string>().ShouldStartWith("application/json");

        var response = metadata["response_headers"]!.AsObject();
        response.ContainsKey("set-cookie").ShouldBeFalse();
        response["x-internal-token"]!.GetValue<string>().ShouldBe("***");
        response["content-type"]!.GetValue<string>().ShouldStartWith("application/json");
    }

    [Fact]
    public async Task Allowlisting_a_credential_header_fails_at_start_up()
    {
        var exception = await Should.ThrowAsync<OptionsValidationException>(() => StartAsync(o => o.RequestHeaders.Add("Authorization")));

        exception.Message.ShouldContain("Authorization");
    }

    [Fact]
    public async Task Sensitive_route_values_are_masked_in_the_path()
    {
        await using var app = await StartAsync();

        await app.GetAsync($"/api/reset/{Secret}");

        var e = app.SingleEvent();
        e.Path.ShouldBe("/api/reset/***");
        e.Route.ShouldBe("/api/reset/{token}");
    }

    [Fact]
    public async Task Bodies_are_not_captured_by_default()
    {
        await using var app = await StartAsync();

        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/api/signup", r =>
            r.Content = new StringContent("""{"name":"ann","password":"x"}""", Encoding.UTF8, "application/json")));

        app.SingleEvent().Metadata.ShouldBeNull();
    }

    [Fact]
    public async Task Json_bodies_are_captured_masked_for_minimal_apis()
    {
        await using var app = await StartAsync(o => o.Fields |= AuditingFields.RequestBody | AuditingFields.ResponseBody);

        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/api/signup", r => r.Content = new StringContent(
            $$$"""{"name":"ann","password":"{{{Secret}}}","profile":{"ssn":"123-45-6789","cards":[{"cardNumber":"4111111111111111","holder":"ann"}]},"secret":{"a":1}}""",
            Encoding.UTF8,
            "application/json")));

        var metadata = app.SingleEvent().Metadata!;
        metadata["request_body"]!.ToJsonString().ShouldBe(
            """{"name":"ann","password":"***","profile":{"ssn":"***","cards":[{"cardNumber":"***","holder":"ann"}]},"secret":"***"}""");
        metadata["response_body"]!.ToJsonString().ShouldBe("""{"id":"u-1","apiKey":"***","name":"ann"}""");
    }

    [Fact]
    public async Task Json_bodies_are_captured_masked_for_controllers()
    {
        await using var app = await StartAsync(o => o.Fields |= AuditingFields.RequestBody | AuditingFields.ResponseBody);

        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/api/accounts", r => r.Content = new StringContent(
            $$"""{"name":"ann","password":"{{Secret}}"}""", Encoding.UTF8, "application/json")));

        var metadata = app.SingleEvent().Metadata!;
        metadata["request_body"]!.ToJsonString().ShouldBe("""{"name":"ann","password":"***"}""");
        metadata["response_body"]!.ToJsonString().ShouldBe("""{"name":"ann","token":"***"}""");
    }

    [Fact]
    public async Task Form_bodies_are_masked_like_query_strings()
    {
        await using var app = await StartAsync(o => o.Fields |= AuditingFields.RequestBody);

        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/api/form", r => r.Content = new FormUrlEncodedContent(
            new Dictionary<string, string> { ["user"] = "ann", ["password"] = Secret })));

        app.SingleEvent().Metadata!["request_body"]!.GetValue<string>().ShouldBe("user=ann&password=***");
    }

    [Fact]
    public async Task Oversized_and_unsupported_bodies_are_recorded_by_size_only()
    {
        await using var app = await StartAsync(o =>
        {
            o.Fields |= AuditingFields.RequestBody;
            o.RequestBodyLimit = 64;
        });

        var big = $$"""{"note":"{{new string('x', 100)}}","password":"{{Secret}}"}""";
        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/api/big", r => r.Content = new StringContent(big, Encoding.UTF8, "application/json")));
        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/api/text", r => r.Content = new StringContent($"password={Secret}", Encoding.UTF8, "text/plain")));

        app.Events[0].Metadata!["request_body"]!.ToJsonString().ShouldBe($$"""{"omitted":"too large","length":{{Encoding.UTF8.GetByteCount(big)}}}""");
        app.Events[1].Metadata.ShouldBeNull();
    }

    [Fact]
    public async Task No_credential_ever_reaches_the_sink()
    {
        await using var app = await StartAsync(o => o.Fields = AuditingFields.All);

        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, $"/api/signup?token={Secret}&client_secret={Secret}", r =>
        {
            r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
            r.Headers.Add("Cookie", $"auth={Secret}");
            r.Headers.Add("Proxy-Authorization", $"Basic {Secret}");
            r.Headers.Add("X-Api-Key", Secret);
            r.Headers.Add("X-Auth-Token", Secret);
            r.Content = new StringContent($$"""{"name":"ann","password":"{{Secret}}","api_key":"{{Secret}}"}""", Encoding.UTF8, "application/json");
        }));
        await app.GetAsync($"/api/reset/{Secret}");
        await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/api/form", r => r.Content = new FormUrlEncodedContent(
            new Dictionary<string, string> { ["password"] = Secret })));

        app.Events.Count.ShouldBe(3);
        foreach (var e in app.Events)
        {
            JsonSerializer.Serialize(e, AuditJsonContext.Default.AuditEvent).ShouldNotContain(Secret);
        }
    }

    private sealed record SignUp(string Name, string? Password);
}

[ApiController]
[Route("api/accounts")]
public sealed class AccountsController : ControllerBase
{
    [HttpPost]
    public IActionResult Create(AccountRequest request) => Ok(new { name = request.Name, token = "tok-" + request.Password });
}

public sealed record AccountRequest(string Name, string Password);
