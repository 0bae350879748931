using System.Net;

namespace AuditKit;

/// <summary>
/// The contract's validation rules, shared by clients (which check before sending) and the server (which checks on
/// ingest). Each failure names the offending field by its snake_case wire name.
/// </summary>
public static class AuditEventValidator
{
    private static readonly DateTimeOffset s_earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Validates <paramref name="auditEvent"/>; returns an empty list when it is valid.</summary>
    public static IReadOnlyList<AuditFieldError> Validate(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        List<AuditFieldError>? errors = null;

        void Fail(string field, string message) => (errors ??= []).Add(new AuditFieldError(field, message));

        void Bounded(string field, string? value, int max)
        {
            if (value is not null && value.Length > max)
            {
                Fail(field, $"must be at most {max} characters (was {value.Length}).");
            }
        }

        if (auditEvent.Id == Guid.Empty)
        {
            Fail("id", "must be a non-empty UUID.");
        }

        if (auditEvent.Timestamp < s_earliest)
        {
            Fail("timestamp", "is required and must be an RFC 3339 date-time after 2000-01-01.");
        }

        if (string.IsNullOrWhiteSpace(auditEvent.Action))
        {
            Fail("action", "is required.");
        }
        else if (auditEvent.Action.Length > AuditEventLimits.Action)
        {
            Fail("action", $"must be at most {AuditEventLimits.Action} characters (was {auditEvent.Action.Length}).");
        }
        else if (!IsUpperSnake(auditEvent.Action))
        {
            Fail("action", "must be UPPER_SNAKE_CASE: a letter, then letters, digits or underscores.");
        }

        if (!AuditSources.IsKnown(auditEvent.Source))
        {
            Fail("source", $"must be one of: {string.Join(", ", AuditSources.All)}.");
        }

        if (!Enum.IsDefined(auditEvent.Status))
        {
            Fail("status", "must be one of: SUCCESS, FAILURE, PENDING.");
        }

        if (!Enum.IsDefined(auditEvent.Severity))
        {
            Fail("severity", "must be one of: LOW, MEDIUM, HIGH, CRITICAL.");
        }

        Bounded("tenant_id", auditEvent.TenantId, AuditEventLimits.TenantId);
        Bounded("category", auditEvent.Category, AuditEventLimits.Category);
        Bounded("resource_type", auditEvent.ResourceType, AuditEventLimits.ResourceType);
        Bounded("resource_id", auditEvent.ResourceId, AuditEventLimits.ResourceId);
        Bounded("resource_name", auditEvent.ResourceName, AuditEventLimits.ResourceName);
        Bounded("user_id", auditEvent.UserId, AuditEventLimits.UserId);
        Bounded("username", auditEvent.Username, AuditEventLimits.Username);
        Bounded("user_email", auditEvent.UserEmail, AuditEventLimits.UserEmail);
        Bounded("service_name", auditEvent.ServiceName, AuditEventLimits.ServiceName);
        Bounded("service_version", auditEvent.ServiceVersion, AuditEventLimits.ServiceVersion);
        Bounded("method", auditEvent.Method, AuditEventLimits.Method);
        Bounded("path", auditEvent.Path, AuditEventLimits.Path);
        Bounded("route", auditEvent.Route, AuditEventLimits.Route);
        Bounded("query", auditEvent.Query, AuditEventLimits.Query);
        Bounded("user_agent", auditEvent.UserAgent, AuditEventLimits.UserAgent);
        Bounded("request_id", auditEvent.RequestId, AuditEventLimits.RequestId);
        Bounded("trace_id", auditEvent.TraceId, AuditEventLimits.TraceId);
        Bounded("session_id", auditEvent.SessionId, AuditEventLimits.SessionId);
        Bounded("description", auditEvent.Description, AuditEventLimits.Description);
        Bounded("error_code", auditEvent.ErrorCode, AuditEventLimits.ErrorCode);
        Bounded("error_message", auditEvent.ErrorMessage, AuditEventLimits.ErrorMessage);
        Bounded("data_classification", auditEvent.DataClassification, AuditEventLimits.DataClassification);

        if (auditEvent.IpAddress is { } ip && (ip.Length > AuditEventLimits.IpAddress || !IPAddress.TryParse(ip, out _)))
        {
            Fail("ip_address", "must be an IPv4 or IPv6 address.");
        }

        if (auditEvent.StatusCode is { } code && code is < 100 or > 599)
        {
            Fail("status_code", "must be an HTTP status code between 100 and 599.");
        }

        if (auditEvent.DurationMs is { } duration && (duration < 0 || double.IsNaN(duration) || double.IsInfinity(duration)))
        {
            Fail("duration_ms", "must be a finite number of milliseconds, zero or more.");
        }

        if (auditEvent.Changes is { } changes)
        {
            if (changes.Count > AuditEventLimits.Changes)
            {
                Fail("changes", $"must list at most {AuditEventLimits.Changes} properties (was {changes.Count}).");
            }
            else
            {
                for (var i = 0; i < changes.Count; i++)
                {
                    var property = changes[i]?.Property;
                    if (string.IsNullOrWhiteSpace(property))
                    {
                        Fail($"changes[{i}].property", "is required.");
                    }
                    else if (property.Length > AuditEventLimits.ChangeProperty)
                    {
                        Fail($"changes[{i}].property", $"must be at most {AuditEventLimits.ChangeProperty} characters.");
                    }
                }
            }
        }

        if (auditEvent.Tags is { } tags)
        {
            if (tags.Count > AuditEventLimits.Tags)
            {
                Fail("tags", $"must hold at most {AuditEventLimits.Tags} tags (was {tags.Count}).");
            }
            else
            {
                for (var i = 0; i < tags.Count; i++)
                {
                    if (string.IsNullOrWhiteSpace(tags[i]) || tags[i].Length > AuditEventLimits.Tag)
                    {
                        Fail($"tags[{i}]", $"must be a non-empty string of at most {AuditEventLimits.Tag} characters.");
                    }
                }
            }
        }

        return errors ?? (IReadOnlyList<AuditFieldError>)[];
    }

    /// <summary>Whether <paramref name="action"/> is UPPER_SNAKE_CASE: <c>[A-Z][A-Z0-9_]*</c>.</summary>
    public static bool IsUpperSnake(string action)
    {
        if (action.Length == 0 || action[0] is < 'A' or > 'Z')
        {
            return false;
        }

        foreach (var c in action)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
