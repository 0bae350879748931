using AuditKit.Server.Storage;

namespace AuditKit.Server.Console.Pages;

/// <summary><c>/console/{tenant}/events/{id}</c>: every field of one event, and its old/new values side by side.</summary>
internal sealed class EventDetailModel(IAuditEventStore store, ConsoleActivityRecorder activity) : ConsoleTenantPageModel
{
    public AuditEvent Event { get; private set; } = null!;

    public IReadOnlyList<ConsoleChange> Changes { get; private set; } = [];

    /// <summary>Every scalar field of the event with a value, in the contract's order.</summary>
    public IReadOnlyList<(string Name, string Value)> Fields { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        var auditEvent = Guid.TryParse(id, out var eventId) ? await store.GetAsync(TenantId, eventId, cancellationToken) : null;
        if (auditEvent is null)
        {
            return NotFound();
        }

        Event = auditEvent;
        Changes = ConsoleChange.From(auditEvent);
        Fields = ListFields(auditEvent);
        await activity.RecordViewAsync(HttpContext, Caller, "AuditEvent", auditEvent.Id.ToString(), $"Viewed event {auditEvent.Id} in the console.", cancellationToken);
        return Page();
    }

    private static List<(string, string)> ListFields(AuditEvent e)
    {
        var fields = new List<(string, string)>();
        void Add(string name, object? value)
        {
            var text = value switch
            {
                null => null,
                DateTimeOffset time => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff 'UTC'", CultureInfo.InvariantCulture),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            if (!string.IsNullOrEmpty(text))
            {
                fields.Add((name, text));
            }
        }

        Add("id", e.Id);
        Add("timestamp", e.Timestamp);
        Add("received_at", e.ReceivedAt);
        Add("tenant_id", e.TenantId);
        Add("source", e.Source);
        Add("action", e.Action);
        Add("category", e.Category);
        Add("resource_type", e.ResourceType);
        Add("resource_id", e.ResourceId);
        Add("resource_name", e.ResourceName);
        Add("user_id", e.UserId);
        Add("username", e.Username);
        Add("user_email", e.UserEmail);
        Add("status", e.Status.ToString().ToUpperInvariant());
        Add("severity", e.Severity.ToString().ToUpperInvariant());
        Add("service_name", e.ServiceName);
        Add("service_version", e.ServiceVersion);
        Add("method", e.Method);
        Add("path", e.Path);
        Add("route", e.Route);
        Add("query", e.Query);
        Add("status_code", e.StatusCode);
        Add("duration_ms", e.DurationMs);
        Add("ip_address", e.IpAddress);
        Add("user_agent", e.UserAgent);
        Add("request_id", e.RequestId);
        Add("trace_id", e.TraceId);
        Add("session_id", e.SessionId);
        Add("description", e.Description);
        Add("error_code", e.ErrorCode);
        Add("error_message", e.ErrorMessage);
        Add("stack_trace", e.StackTrace);
        Add("tags", e.Tags is { Count: > 0 } tags ? string.Join(", ", tags) : null);
        Add("data_classification", e.DataClassification);
        Add("metadata", e.Metadata?.ToJsonString());
        return fields;
    }
}
