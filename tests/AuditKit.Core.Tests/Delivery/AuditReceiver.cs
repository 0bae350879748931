using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuditKit.Core.Tests.Delivery;

/// <summary>
/// A small batch endpoint on a real Kestrel listening on 127.0.0.1: it speaks the server's contract (bearer key,
/// gzip JSON array, per-item answer, dedup on id) and can be told to answer with faults.
/// </summary>
internal sealed class AuditReceiver : IAsyncDisposable
{
    public const string Key = "test-ingest-key";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task<bool>>> _faults = new();

    private AuditReceiver(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>Stored events, by id, and how many times each was posted.</summary>
    public ConcurrentDictionary<Guid, AuditEvent> Stored { get; } = new();

    public ConcurrentDictionary<Guid, int> Posted { get; } = new();

    public ConcurrentQueue<int> BatchSizes { get; } = new();

    public ConcurrentQueue<string?> ContentEncodings { get; } = new();

    public int Requests => _requests;

    private int _requests;

    public static async Task<AuditReceiver> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var receiver = new AuditReceiver(app);
        app.MapPost("/api/v1/audit-logs/batch", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Address = new Uri(address);
        return receiver;
    }

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

        if (_faults.TryDequeue(out var fault) && await fault(context))
        {
            return;
        }

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

        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, result, AuditJsonContext.Default.AuditBatchResult);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
