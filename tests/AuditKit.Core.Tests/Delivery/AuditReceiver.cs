using System.IO.Compression;

namespace AuditKit.Core.Tests.Delivery;

/// <summary>
/// A small batch endpoint on a real Kestrel listening on 127.0.0.1: it speaks the server's contract (bearer key,
/// gzip JSON array, per-item answer, dedup on id) and can be told to answer with faults.
/// </summary>
internal sealed class AuditReceiver : IAsyncDisposable
{
    public const string Key = "test-ingest-key";

    private readonly ConcurrentQueue<Func<HttpContext, Task<bool>>> _faults = new();
    private WebApplication? _app;
    private int _requests;

    private AuditReceiver()
    {
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Stored events, by id.</summary>
    public ConcurrentDictionary<Guid, AuditEvent> Stored { get; } = new();

    /// <summary>How many times each id was posted.</summary>
    public ConcurrentDictionary<Guid, int> Posted { get; } = new();

    public ConcurrentQueue<int> BatchSizes { get; } = new();

    public ConcurrentQueue<string?> ContentEncodings { get; } = new();

    public int Requests => _requests;

    /// <summary>Added to every request's handling time.</summary>
    public TimeSpan Latency { get; set; }

    public bool IsRunning => _app is not null;

    public static async Task<AuditReceiver> StartAsync()
    {
        var receiver = new AuditReceiver();
        await receiver.StartListeningAsync(0);
        return receiver;
    }

    /// <summary>Stops listening: connections are refused, like a server that is down. What was stored is kept.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Listens again on the same port.</summary>
    public Task RestartAsync() => StartListeningAsync(Address.Port);

    private async Task StartListeningAsync(int port)
    {
        var app = LoopbackWebApp.CreateBuilder(port).Build();
        app.MapPost("/api/v1/audit-logs/batch", HandleAsync);
        Address = await LoopbackWebApp.StartAsync(app);
        _app = app;
    }

    /// <summary>The next request stores the batch, then the connection is cut before the answer (a lost response).</summary>
    public void LoseNextResponse() => _faults.Enqueue(async context =>
    {
        await StoreAsync(context);
        context.Abort();
        return true;
    });

    /// <summary>The next request answers <paramref name="status"/> without storing anything.</summary>
    public void FailNext(HttpStatusCode status, TimeSpan? retryAfter = null, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _faults.Enqueue(async context =>
            {
                context.Response.StatusCode = (int)status;
                if (retryAfter is { } delay)
                {
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await context.Response.WriteAsync("{\"title\":\"injected fault\"}");
                return true;
            });
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        ContentEncodings.Enqueue(context.Request.Headers.ContentEncoding.ToString());
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + Key)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, context.RequestAborted);
        }

        if (_faults.TryDequeue(out var fault) && await fault(context))
        {
            return;
        }

        var result = await StoreAsync(context);
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, result, AuditBatchJsonContext.Default.AuditBatchResult);
    }

    private async Task<AuditBatchResult> StoreAsync(HttpContext context)
    {
        Stream body = context.Request.Body;
        if (context.Request.Headers.ContentEncoding == "gzip")
        {
            body = new GZipStream(body, CompressionMode.Decompress);
        }

        var events = await JsonSerializer.DeserializeAsync(body, AuditJsonContext.Default.ListAuditEvent) ?? [];
        BatchSizes.Enqueue(events.Count);
        var result = new AuditBatchResult();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            Posted.AddOrUpdate(e.Id, 1, (_, n) => n + 1);
            var errors = AuditEventValidator.Validate(e);
            if (errors.Count > 0 || e.Action == "SERVER_REJECTS")
            {
                result.Rejected++;
                result.Items.Add(new AuditBatchItemResult { Index = i, Id = e.Id, Status = AuditBatchItemStatus.Rejected, Errors = [.. errors, new AuditFieldError("action", "refused by the test server")] });
            }
            else if (Stored.TryAdd(e.Id, e))
            {
                result.Accepted++;
                result.Items.Add(new AuditBatchItemResult { Index = i, Id = e.Id, Status = AuditBatchItemStatus.Accepted });
            }
            else
            {
                result.Duplicates++;
                result.Items.Add(new AuditBatchItemResult { Index = i, Id = e.Id, Status = AuditBatchItemStatus.Duplicate });
            }
        }

        return result;
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
