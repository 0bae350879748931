namespace AuditKit.Server.Tests.Storage;

/// <summary>Events for the storage tests, with every field set the way a real client sets it.</summary>
internal static class StorageTestEvents
{
    public static readonly DateTimeOffset BaseTime = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static AuditEvent Minimal(DateTimeOffset? timestamp = null, string action = AuditActions.Read)
    {
        var at = timestamp ?? BaseTime;
        return new AuditEvent { Id = Guid.CreateVersion7(at), Timestamp = at, Action = action };
    }

    public static AuditEvent Full(DateTimeOffset? timestamp = null)
    {
        var at = timestamp ?? BaseTime;
        return new AuditEvent
        {
            Id = Guid.CreateVersion7(at),
            Timestamp = at,
            TenantId = "ignored-by-the-store",
            Source = AuditSources.Http,
            Action = AuditActions.Update,
            Category = "leave_request",
            ResourceType = "Customer",
            ResourceId = "42",
            ResourceName = "Zoë Ångström — 東京支店",
            UserId = "u-7",
            Username = "alice",
            UserEmail = "alice@example.test",
            Status = AuditStatus.Failure,
            Severity = AuditSeverity.High,
            ServiceName = "billing",
            ServiceVersion = "1.4.2",
            Method = "PUT",
            Path = "/api/customers/42",
            Route = "/api/customers/{id}",
            Query = "?expand=orders&token=***",
            StatusCode = 409,
            DurationMs = 12.375,
            IpAddress = "2001:db8::7",
            UserAgent = "Mozilla/5.0 (X11; Linux x86_64)",
            RequestId = "0HN7:00000001",
            TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
            SessionId = "s-99",
            Description = "Updated customer 42 \"quoted\" 🙂",
            ErrorCode = "CONFLICT",
            ErrorMessage = "Version mismatch on row 42",
            Changes =
            [
                new AuditChange { Property = "Status", Old = JsonValue.Create("active"), New = JsonValue.Create("blocked") },
                new AuditChange { Property = "Address.City", Old = null, New = JsonValue.Create("Zürich") },
                new AuditChange { Property = "Limits", Old = new JsonArray(1, 2), New = new JsonObject { ["max"] = 3.5 } },
            ],
            OldValues = new JsonObject { ["status"] = "active", ["ssn"] = "***-**-1234", ["nested"] = new JsonObject { ["a"] = 1 } },
            NewValues = new JsonObject { ["status"] = "blocked", ["flag"] = true, ["none"] = null },
            Metadata = new JsonObject { ["ticket"] = "OPS-17", ["count"] = 3, ["list"] = new JsonArray("x", "y") },
            Tags = ["SOX", "GDPR"],
            DataClassification = "confidential",
            StackTrace = "System.InvalidOperationException: Version mismatch\n   at Orders.Save() in Orders.cs:line 42",
        };
    }
}
