using System.Text.Json.Nodes;

namespace AuditKit.Benchmarks.Delivery;

/// <summary>Realistic events: an HTTP request event and an EF Core update with two changed properties (~0.5 KB of JSON each).</summary>
internal static class AuditEventSamples
{
    public static AuditEvent Create(int i) => (i % 2 == 0)
        ? new AuditEvent
        {
            Id = AuditEventIds.New(DateTimeOffset.UtcNow),
            Timestamp = DateTimeOffset.UtcNow,
            Source = AuditSources.Http,
            Action = AuditActions.Read,
            ResourceType = "Customer",
            ResourceId = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            UserId = "user-1234",
            Username = "alice",
            Status = AuditStatus.Success,
            Severity = AuditSeverity.Low,
            ServiceName = "orders-api",
            ServiceVersion = "1.4.2",
            Method = "GET",
            Path = "/api/customers/" + i,
            Route = "/api/customers/{id}",
            StatusCode = 200,
            DurationMs = 3.27,
            IpAddress = "10.1.2.3",
            UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
            RequestId = "0HN1234567:00000001",
            TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
        }
        : new AuditEvent
        {
            Id = AuditEventIds.New(DateTimeOffset.UtcNow),
            Timestamp = DateTimeOffset.UtcNow,
            Source = AuditSources.EfCore,
            Action = AuditActions.Update,
            ResourceType = "Order",
            ResourceId = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            UserId = "user-1234",
            Username = "alice",
            Severity = AuditSeverity.Medium,
            ServiceName = "orders-api",
            TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
            Changes =
            [
                new AuditChange { Property = "Status", Old = "Pending", New = "Shipped" },
                new AuditChange { Property = "Total", Old = 120.5m, New = 99.9m },
            ],
            Metadata = new JsonObject { ["tags"] = new JsonArray("SOX"), ["region"] = "eu-west-1" },
        };
}
