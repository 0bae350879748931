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
            Fail(AuditEventFields.Id, "must be a non-empty UUID.");
        }

        if (auditEvent.Timestamp < s_earliest)
        {
            Fail(AuditEventFields.Timestamp, "is required and must be an RFC 3339 date-time after 2000-01-01.");
        }

        if (string.IsNullOrWhiteSpace(auditEvent.Action))
        {
            Fail(AuditEventFields.Action, "is required.");
        }
        else if (auditEvent.Action.Length > AuditEventLimits.Action)
        {
            Fail(AuditEventFields.Action, $"must be at most {AuditEventLimits.Action} characters (was {auditEvent.Action.Length}).");
        }
        else if (!IsUpperSnake(auditEvent.Action))
        {
            Fail(AuditEventFields.Action, "must be UPPER_SNAKE_CASE: a letter, then letters, digits or underscores.");
        }

        if (!AuditSources.IsKnown(auditEvent.Source))
        {
            Fail(AuditEventFields.Source, $"must be one of: {string.Join(", ", AuditSources.All)}.");
        }

        if (!Enum.IsDefined(auditEvent.Status))
        {
            Fail(AuditEventFields.Status, "must be one of: SUCCESS, FAILURE, PENDING.");
        }

        if (!Enum.IsDefined(auditEvent.Severity))
        {
            Fail(AuditEventFields.Severity, "must be one of: LOW, MEDIUM, HIGH, CRITICAL.");
        }

        Bounded(AuditEventFields.TenantId, auditEvent.TenantId, AuditEventLimits.TenantId);
        Bounded(AuditEventFields.Category, auditEvent.Category, AuditEventLimits.Category);
        Bounded(AuditEventFields.ResourceType, auditEvent.ResourceType, AuditEventLimits.ResourceType);
        Bounded(AuditEventFields.ResourceId, auditEvent.ResourceId, AuditEventLimits.ResourceId);
        Bounded(AuditEventFields.ResourceName, auditEvent.ResourceName, AuditEventLimits.ResourceName);
        Bounded(AuditEventFields.UserId, auditEvent.UserId, AuditEventLimits.UserId);
        Bounded(AuditEventFields.Username, auditEvent.Username, AuditEventLimits.Username);
        Bounded(AuditEventFields.UserEmail, auditEvent.UserEmail, AuditEventLimits.UserEmail);
        Bounded(AuditEventFields.ServiceName, auditEvent.ServiceName, AuditEventLimits.ServiceName);
        Bounded(AuditEventFields.ServiceVersion, auditEvent.ServiceVersion, AuditEventLimits.ServiceVersion);
        Bounded(AuditEventFields.Method, auditEvent.Method, AuditEventLimits.Method);
        Bounded(AuditEventFields.Path, auditEvent.Path, AuditEventLimits.Path);
        Bounded(AuditEventFields.Route, auditEvent.Route, AuditEventLimits.Route);
        Bounded(AuditEventFields.Query, auditEvent.Query, AuditEventLimits.Query);
        Bounded(AuditEventFields.UserAgent, auditEvent.UserAgent, AuditEventLimits.UserAgent);
        Bounded(AuditEventFields.RequestId, auditEvent.RequestId, AuditEventLimits.RequestId);
        Bounded(AuditEventFields.TraceId, auditEvent.TraceId, AuditEventLimits.TraceId);
        Bounded(AuditEventFields.SessionId, auditEvent.SessionId, AuditEventLimits.SessionId);
        Bounded(AuditEventFields.Description, auditEvent.Description, AuditEventLimits.Description);
        Bounded(AuditEventFields.ErrorCode, auditEvent.ErrorCode, AuditEventLimits.ErrorCode);
        Bounded(AuditEventFields.ErrorMessage, auditEvent.ErrorMessage, AuditEventLimits.ErrorMessage);
        Bounded(AuditEventFields.DataClassification, auditEvent.DataClassification, AuditEventLimits.DataClassification);
        Bounded(AuditEventFields.StackTrace, auditEvent.StackTrace, AuditEventLimits.StackTrace);

        if (auditEvent.IpAddress is { } ip && (ip.Length > AuditEventLimits.IpAddress || !IPAddress.TryParse(ip, out _)))
        {
            Fail(AuditEventFields.IpAddress, "must be an IPv4 or IPv6 address.");
        }

        if (auditEvent.StatusCode is { } code && code is < 100 or > 599)
        {
            Fail(AuditEventFields.StatusCode, "must be an HTTP status code between 100 and 599.");
        }

        if (auditEvent.DurationMs is { } duration && (duration < 0 || double.IsNaN(duration) || double.IsInfinity(duration)))
        {
            Fail(AuditEventFields.DurationMs, "must be a finite number of milliseconds, zero or more.");
        }

        if (auditEvent.Changes is { } changes)
        {
            if (changes.Count > AuditEventLimits.Changes)
            {
                Fail(AuditEventFields.Changes, $"must list at most {AuditEventLimits.Changes} properties (was {changes.Count}).");
            }
            else
            {
                for (var i = 0; i < changes.Count; i++)
                {
                    var property = changes[i]?.Property;
                    if (string.IsNullOrWhiteSpace(property))
                    {
                        Fail($"{AuditEventFields.Changes}[{i}].{AuditEventFields.ChangeProperty}", "is required.");
                    }
                    else if (property.Length > AuditEventLimits.ChangeProperty)
                    {
                        Fail($"{AuditEventFields.Changes}[{i}].{AuditEventFields.ChangeProperty}", $"must be at most {AuditEventLimits.ChangeProperty} characters.");
                    }
                }
            }
        }

        if (auditEvent.Tags is { } tags)
        {
            if (tags.Count > AuditEventLimits.Tags)
            {
                Fail(AuditEventFields.Tags, $"must hold at most {AuditEventLimits.Tags} tags (was {tags.Count}).");
            }
            else
            {
                for (var i = 0; i < tags.Count; i++)
                {
                    if (string.IsNullOrWhiteSpace(tags[i]) || tags[i].Length > AuditEventLimits.Tag)
                    {
                        Fail($"{AuditEventFields.Tags}[{i}]", $"must be a non-empty string of at most {AuditEventLimits.Tag} characters.");
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
