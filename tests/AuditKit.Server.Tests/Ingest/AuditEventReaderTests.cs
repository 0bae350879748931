namespace AuditKit.Server.Tests.Ingest;

public sealed class AuditEventReaderTests
{
    private static readonly DateTimeOffset s_now = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static (AuditEvent Event, IReadOnlyList<AuditFieldError> Errors) Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return AuditEventReader.Read(document.RootElement, s_now);
    }

    [Fact]
    public void Reads_the_legacy_client_payload_with_aliases_and_stringified_values()
    {
        var (auditEvent, errors) = Read("""
            {
              "user_id": "u-1", "action": "created", "log_type": "leave_request",
              "entity_type": "LeaveRequest", "entity_id": "42", "service_name": "leave-management-service",
              "status": "success", "description": "Leave request created",
              "old_values": "{\"status\": \"draft\"}", "new_values": "{\"status\": \"pending\", \"days\": 3}",
              "ip_address": "10.1.2.3", "user_agent": "python-httpx/0.27", "request_id": "req-9"
            }
            """);

        errors.ShouldBeEmpty();
        auditEvent.Action.ShouldBe("CREATED");
        auditEvent.Category.ShouldBe("leave_request");
        auditEvent.ResourceType.ShouldBe("LeaveRequest");
        auditEvent.ResourceId.ShouldBe("42");
        auditEvent.Status.ShouldBe(AuditStatus.Success);
        auditEvent.OldValues!["status"]!.GetValue<string>().ShouldBe("draft");
        auditEvent.NewValues!["days"]!.GetValue<int>().ShouldBe(3);
        auditEvent.Id.ShouldNotBe(Guid.Empty);
        auditEvent.Timestamp.ShouldBe(s_now);
    }

    [Fact]
    public void Names_every_offending_field()
    {
        var (_, errors) = Read("""
            { "status_code": "abc", "severity": "HUGE", "status": 3, "duration_ms": "slow", "tags": ["ok", 5],
              "old_values": [1, 2], "timestamp": "yesterday", "id": "not-a-uuid" }
            """);

        var fields = errors.Select(static e => e.Field).ToList();
        fields.ShouldBe(
            ["action", "duration_ms", "id", "old_values", "severity", "status", "status_code", "tags[1]", "timestamp"],
            ignoreOrder: true);
        errors.Single(static e => e.Field == "action").Message.ShouldContain("required");
    }

    [Fact]
    public void Rejects_strings_longer_than_the_contract_allows()
    {
        var (_, errors) = Read($$"""{ "action": "LOGIN", "user_agent": "{{new string('a', AuditEventLimits.UserAgent + 1)}}" }""");

        errors.ShouldHaveSingleItem().Field.ShouldBe("user_agent");
    }

    [Fact]
    public void Accepts_status_and_severity_in_any_case_and_numeric_ids()
    {
        var (auditEvent, errors) = Read("""{ "action": "user.login-failed", "status": "Failure", "severity": "critical", "user_id": 17, "entity_id": 5 }""");

        errors.ShouldBeEmpty();
        auditEvent.Action.ShouldBe("USER_LOGIN_FAILED");
        auditEvent.Status.ShouldBe(AuditStatus.Failure);
        auditEvent.Severity.ShouldBe(AuditSeverity.Critical);
        auditEvent.UserId.ShouldBe("17");
        auditEvent.ResourceId.ShouldBe("5");
    }

    [Fact]
    public void Keeps_posted_id_and_timestamp_in_utc()
    {
        var id = AuditEventIds.New(new DateTimeOffset(2024, 3, 1, 8, 0, 0, TimeSpan.Zero));
        var (auditEvent, errors) = Read($$"""{ "id": "{{id}}", "action": "READ", "timestamp": "2024-03-01T10:00:00+02:00" }""");

        errors.ShouldBeEmpty();
        auditEvent.Id.ShouldBe(id);
        auditEvent.Timestamp.ShouldBe(new DateTimeOffset(2024, 3, 1, 8, 0, 0, TimeSpan.Zero));
        auditEvent.Timestamp.Offset.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Reads_changes_with_any_json_values()
    {
        var (auditEvent, errors) = Read("""
            { "action": "UPDATE", "changes": [ { "property": "Status", "old": "draft", "new": { "code": 2 } }, { "old": 1 } ] }
            """);

        errors.ShouldHaveSingleItem().Field.ShouldBe("changes[1].property");
        auditEvent.Changes![0].Property.ShouldBe("Status");
        auditEvent.Changes[0].New!["code"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public void A_non_object_event_is_one_error()
    {
        var (_, errors) = Read("[1, 2]");

        errors.ShouldHaveSingleItem().Field.ShouldBe("body");
    }

    [Fact]
    public void Malformed_json_is_located_at_its_field()
    {
        var (parsed, errors) = AuditIngestBody.ReadSingle(Encoding.UTF8.GetBytes("""{ "action": "READ", "status_code": abc }"""), s_now);

        parsed.ShouldBeNull();
        errors.ShouldHaveSingleItem().Field.ShouldBe("status_code");
    }

    [Fact]
    public void Malformed_json_in_a_batch_is_located_at_its_index()
    {
        var result = AuditIngestBody.ReadBatch(
            Encoding.UTF8.GetBytes("""{ "events": [ { "action": "READ" }, { "action": "READ", "tags": ["a" "b"] } ] }"""), 1000, s_now);

        result.BodyError!.Field.ShouldBe("events[1].tags[0]");
    }

    [Fact]
    public void A_batch_over_the_limit_is_counted_not_read()
    {
        var json = "[" + string.Join(",", Enumerable.Repeat("""{"action":"READ"}""", 11)) + "]";

        AuditIngestBody.ReadBatch(Encoding.UTF8.GetBytes(json), 10, s_now).TooManyCount.ShouldBe(11);
    }
}
