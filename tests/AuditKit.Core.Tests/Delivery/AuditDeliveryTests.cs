using System.Net;
using AuditKit.Delivery;
using AuditKit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AuditKit.Core.Tests.Delivery;

/// <summary>The pipeline end to end against a real Kestrel receiver on 127.0.0.1.</summary>
public sealed class AuditDeliveryTests : IAsyncLifetime
{
    private readonly TempDirectory _spool = new("auditkit-spool");
    private AuditReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await AuditReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _spool.Dispose();
    }

    [Fact]
    public async Task Events_arrive_once_each_in_gzip_batches_with_the_service_name_stamped()
    {
        await using var app = TestApp.Create(_receiver.Address, _spool.Path, o => o.Delivery.BatchSize = 50);
        await app.StartAsync();

        var events = Enumerable.Range(0, 120).Select(_ => TestApp.NewEvent()).ToList();
        foreach (var e in events)
        {
            app.Sink.TryWrite(e).ShouldBeTrue();
        }

        await Eventually.TrueAsync(() => _receiver.Stored.Count == events.Count, "all 120 events are stored");
        _receiver.Posted.Values.ShouldAllBe(n => n == 1);
        _receiver.BatchSizes.ShouldAllBe(n => n <= 50);
        _receiver.ContentEncodings.ShouldAllBe(e => e == "gzip");
        _receiver.Stored.Values.ShouldAllBe(e => e.ServiceName == "delivery-tests");
    }

    [Fact]
    public async Task Transient_failures_are_retried_honouring_retry_after_and_counted()
    {
        await using var app = TestApp.Create(_receiver.Address, _spool.Path);
        using var retried = new MetricCollector<long>(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), AuditDeliveryMetrics.MeterName, "auditkit.delivery.retried");
        _receiver.FailNext(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.FromSeconds(1));
        _receiver.FailNext(HttpStatusCode.TooManyRequests, retryAfter: TimeSpan.FromSeconds(1));
        _receiver.FailNext(HttpStatusCode.InternalServerError);
        await app.StartAsync();

        var e = TestApp.NewEvent();
        app.Sink.TryWrite(e).ShouldBeTrue();

        await Eventually.TrueAsync(() => _receiver.Stored.ContainsKey(e.Id), "the event is stored after three transient failures");
        _receiver.Requests.ShouldBe(4);
        retried.GetMeasurementSnapshot().Sum(m => m.Value).ShouldBe(3);
    }
}
