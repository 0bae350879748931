using System.Globalization;

namespace AuditKit.Core.Tests.Delivery.RealServer;

/// <summary>
/// A reverse proxy on 127.0.0.1 in front of the real server that injects the faults of the delivery fault matrix:
/// error statuses for a while, responses lost after the server committed, and latency.
/// </summary>
internal sealed class AuditFaultProxy : IAsyncDisposable
{
    private static readonly string[] s_forwardedHeaders = ["Authorization", "X-Api-Key", "Content-Encoding"];

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Lock _lock = new();
    private DateTime _failUntil;
    private (HttpStatusCode Status, TimeSpan? RetryAfter)[] _failures = [];
    private int _failureIndex;
    private int _responsesToLose;
    private int _received;
    private int _forwarded;
    private int _faulted;

    private AuditFaultProxy(WebApplication app, Uri upstream)
    {
        _app = app;
        _upstream = new HttpClient { BaseAddress = upstream, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Added before every request is forwarded.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Requests that reached the proxy.</summary>
    public int Received => Volatile.Read(ref _received);

    /// <summary>Requests the server answered.</summary>
    public int Forwarded => Volatile.Read(ref _forwarded);

    public int Faulted => Volatile.Read(ref _faulted);

    public static async Task<AuditFaultProxy> StartAsync(Uri upstream)
    {
        var app = LoopbackWebApp.CreateBuilder().Build();
        var proxy = new AuditFaultProxy(app, upstream);
        app.Run(proxy.HandleAsync);
        proxy.Address = await LoopbackWebApp.StartAsync(app);
        return proxy;
    }

    /// <summary>For <paramref name="duration"/>, answers every request with the next of <paramref name="failures"/>, in turn, without forwarding it.</summary>
    public void FailFor(TimeSpan duration, params (HttpStatusCode Status, TimeSpan? RetryAfter)[] failures)
    {
        lock (_lock)
        {
            _failures = failures;
            _failureIndex = 0;
            _failUntil = DateTime.UtcNow + duration;
        }
    }

    /// <summary>The next <paramref name="count"/> requests reach the server, which commits them; their answers are cut off.</summary>
    public void LoseResponses(int count) => Interlocked.Exchange(ref _responsesToLose, count);

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _received);
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, context.RequestAborted);
        }

        (HttpStatusCode Status, TimeSpan? RetryAfter)? failure = null;
        lock (_lock)
        {
            if (DateTime.UtcNow < _failUntil && _failures.Length > 0)
            {
                failure = _failures[_failureIndex++ % _failures.Length];
            }
        }

        if (failure is { } f)
        {
            Interlocked.Increment(ref _faulted);
            context.Response.StatusCode = (int)f.Status;
            if (f.RetryAfter is { } delay)
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        if (body.Length > 0 || HttpMethods.IsPost(context.Request.Method))
        {
            request.Content = new ByteArrayContent(body.ToArray());
            if (context.Request.ContentType is { } contentType)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        foreach (var name in s_forwardedHeaders)
        {
            if (context.Request.Headers.TryGetValue(name, out var value))
            {
                if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value))
                {
                    request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
                }
            }
        }

        using var response = await _upstream.SendAsync(request, context.RequestAborted);
        var answer = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        Interlocked.Increment(ref _forwarded);

        if (TakeOne(ref _responsesToLose))
        {
            // The server has committed the batch; the client never hears about it.
            Interlocked.Increment(ref _faulted);
            context.Abort();
            return;
        }

        context.Response.StatusCode = (int)response.StatusCode;
        if (response.Content.Headers.ContentType is { } type)
        {
            context.Response.ContentType = type.ToString();
        }

        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }

    private static bool TakeOne(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
