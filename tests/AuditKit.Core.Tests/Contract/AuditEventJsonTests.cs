namespace AuditKit.Core.Tests.Contract;

public sealed class AuditEventJsonTests
{
    [Fact]
    public void Serializes_snake_case_with_upper_case_enums_and_omits_nulls()
    {
        var id = AuditEventIds.New(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var auditEvent = new AuditEvent
        {
            Id = id,
            Timestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Action = AuditActions.LoginFailed,
            Source = AuditSources.Http,
            Severity = AuditSeverity.Critical,
            Status = AuditStatus.Failure,
            ResourceType = "Auth",
            UserId = "alice",
            StatusCode = 401,
            Changes = [new AuditChange { Property = "Status", Old = "a", New = "b" }],
            NewValues = new JsonObject { ["name"] = "x" },
        };

        var json = JsonSerializer.Serialize(auditEvent, AuditJsonContext.Default.AuditEvent);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        root.GetProperty("id").GetGuid().ShouldBe(id);
        root.GetProperty("action").GetString().ShouldBe("LOGIN_FAILED");
        root.GetProperty("severity").GetString().ShouldBe("CRITICAL");
        root.GetProperty("status").GetString().ShouldBe("FAILURE");
        root.GetProperty("resource_type").GetString().ShouldBe("Auth");
        root.GetProperty("status_code").GetInt32().ShouldBe(401);
        root.GetProperty("changes")[0].GetProperty("property").GetString().ShouldBe("Status");
        root.GetProperty("new_values").GetProperty("name").GetString().ShouldBe("x");
        root.TryGetProperty("user_email", out _).ShouldBeFalse();
        root.TryGetProperty("userEmail", out _).ShouldBeFalse();
    }

    [Fact]
    public void Round_trips_through_the_source_generated_context()
    {
        var original = new AuditEvent
        {
            Id = Guid.CreateVersion7(),
            Timestamp = DateTimeOffset.UtcNow,
            Action = AuditActions.Update,
            Severity = AuditSeverity.Medium,
            Tags = ["SOX", "GDPR"],
            Metadata = new JsonObject { ["table"] = "customers" },
        };

        var copy = JsonSerializer.Deserialize(
            JsonSerializer.Serialize(original, AuditJsonContext.Default.AuditEvent), AuditJsonContext.Default.AuditEvent)!;

        copy.Id.ShouldBe(original.Id);
        copy.Timestamp.ShouldBe(original.Timestamp);
        copy.Severity.ShouldBe(AuditSeverity.Medium);
        copy.Tags.ShouldBe(["SOX", "GDPR"]);
        copy.Metadata!["table"]!.GetValue<string>().ShouldBe("customers");
    }

    [Fact]
    public void Ids_are_version_7_and_sort_by_time()
    {
        var earlier = AuditEventIds.New(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var later = AuditEventIds.New(new DateTimeOffset(2026, 1, 1, 0, 0, 1, TimeSpan.Zero));

        earlier.Version.ShouldBe(7);
        string.CompareOrdinal(earlier.ToString(), later.ToString()).ShouldBeLessThan(0);
    }
}
