using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace AuditKit.Middleware.Tests.Infrastructure;

/// <summary>
/// A small ASP.NET Core app with request auditing registered the way an application does it, over TestServer (or a
/// real Kestrel on 127.0.0.1), writing to an <see cref="InMemoryAuditSink"/>. <see cref="SendAsync"/> returns once
/// the request has fully left the pipeline, so the audit event (or its absence) is settled.
/// </summary>
public sealed class AuditedApp : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 14, 9, 26, 53, TimeSpan.Zero);

    private readonly WebApplication _app;
    private readonly RequestTracker _tracker = new();

    private AuditedApp(WebApplication app, InMemoryAuditSink sink, FakeTimeProvider time)
    {
        _app = app;
        Sink = sink;
        Time = time;
    }

    public InMemoryAuditSink Sink { get; }

    public FakeTimeProvider Time { get; }

    public IServiceProvider Services => _app.Services;

    public HttpClient Client { get; private set; } = null!;

    public IReadOnlyList<AuditEvent> Events => Sink.Events;

    public static async Task<AuditedApp> StartAsync(
        Action<WebApplication> map,
        Action<AuditingOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? beforeAuditing = null,
        IDictionary<string, string?>? settings = null,
        bool kestrel = false,
        bool useAuditing = true)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(AuditedApp).Assembly.GetName().Name,
            EnvironmentName = "Testing",
        });
        if (kestrel)
        {
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        var configuration = new Dictionary<string, string?>
        {
            ["AuditKit:ServiceName"] = "orders-api",
            ["AuditKit:ServiceVersion"] = "1.2.3",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        // Only this test's settings: not the appsettings.json of the sample-app copied next to the tests.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(configuration);

        var sink = new InMemoryAuditSink();
        var time = new FakeTimeProvider(Start);
        builder.Services.AddSingleton<IAuditSink>(sink);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddAuthentication(TestAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TestAuthenticationHandler>(TestAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        services?.Invoke(builder.Services);
        builder.Services.AddAuditing(configure);

        var app = builder.Build();
        var audited = new AuditedApp(app, sink, time);
        app.Use(audited._tracker.TrackAsync);
        beforeAuditing?.Invoke(app);
        app.UseAuthentication();
        if (useAuditing)
        {
            app.UseAuditing();
        }

        app.UseAuthorization();
        map(app);
        await app.StartAsync();

        if (kestrel)
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            audited.Client = new HttpClient { BaseAddress = new Uri(address) };
        }
        else
        {
            audited.Client = app.GetTestClient();
        }

        return audited;
    }

    /// <summary>Sends <paramref name="request"/> and waits until the app has finished with it.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        var response = await Client.SendAsync(request);
        await IdleAsync();
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string uri, Action<HttpRequestMessage>? configure = null) => SendAsync(Request(HttpMethod.Get, uri, configure));

    public static HttpRequestMessage Request(HttpMethod method, string uri, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, uri);
        configure?.Invoke(request);
        return request;
    }

    /// <summary>The only event recorded so far.</summary>
    public AuditEvent SingleEvent()
    {
        Events.Count.ShouldBe(1, $"events: {string.Join(", ", Events.Select(e => $"{e.Method} {e.Path} {e.Action}"))}");
        return Events[0];
    }

    public Task IdleAsync() => _tracker.IdleAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
