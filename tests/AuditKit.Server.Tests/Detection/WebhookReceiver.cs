using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AuditKit.Server.Tests.Detection;

/// <summary>
/// A webhook receiver on real Kestrel at 127.0.0.1 (a free port): records every request and answers the first
/// <c>failures</c> of them with <c>failWith</c>, then 200 — or, given <c>redirectTo</c>, answers every request with a
/// 307 redirect there.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly int _failures;
    private readonly int _failWith;
    private readonly Uri? _redirectTo;
    private int _requests;

    private WebhookReceiver(WebApplication app, int failures, int failWith, Uri? redirectTo)
    {
        _app = app;
        _failures = failures;
        _failWith = failWith;
        _redirectTo = redirectTo;
    }

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public Uri Url { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync(int failures = 0, int failWith = StatusCodes.Status503ServiceUnavailable, Uri? redirectTo = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, failures, failWith, redirectTo);
        app.MapPost("/hook", (Delegate)receiver.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hook");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var headers = context.Request.Headers;
        Received.Enqueue(new ReceivedWebhook(
            headers["X-AuditKit-Timestamp"].ToString(),
            headers["X-AuditKit-Signature"].ToString(),
            headers["X-AuditKit-Delivery"].ToString(),
            headers["X-AuditKit-Event"].ToString(),
            context.Request.ContentType,
            buffer.ToArray()));
        if (_redirectTo is not null)
        {
            return Results.Redirect(_redirectTo.ToString(), permanent: false, preserveMethod: true);
        }

        return Interlocked.Increment(ref _requests) <= _failures ? Results.StatusCode(_failWith) : Results.Ok();
    }
}

/// <summary>One request a <see cref="WebhookReceiver"/> got.</summary>
public sealed record ReceivedWebhook(string Timestamp, string Signature, string Delivery, string Event, string? ContentType, byte[] Body);
