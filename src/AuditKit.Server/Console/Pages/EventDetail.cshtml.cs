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

        Add(AuditEventFields.Id, e.Id);
        Add(AuditEventFields.Timestamp, e.Timestamp);
        Add(AuditEventFields.ReceivedAt, e.ReceivedAt);
        Add(AuditEventFields.TenantId, e.TenantId);
        Add(AuditEventFields.Source, e.Source);
        Add(AuditEventFields.Action, e.Action);
        Add(AuditEventFields.Category, e.Category);
        Add(AuditEventFields.ResourceType, e.ResourceType);
        Add(AuditEventFields.ResourceId, e.ResourceId);
        Add(AuditEventFields.ResourceName, e.ResourceName);
        Add(AuditEventFields.UserId, e.UserId);
        Add(AuditEventFields.Username, e.Username);
        Add(AuditEventFields.UserEmail, e.UserEmail);
        Add(AuditEventFields.Status, e.Status.ToString().ToUpperInvariant());
        Add(AuditEventFields.Severity, e.Severity.ToString().ToUpperInvariant());
        Add(AuditEventFields.ServiceName, e.ServiceName);
        Add(AuditEventFields.ServiceVersion, e.ServiceVersion);
        Add(AuditEventFields.Method, e.Method);
        Add(AuditEventFields.Path, e.Path);
        Add(AuditEventFields.Route, e.Route);
        Add(AuditEventFields.Query, e.Query);
        Add(AuditEventFields.StatusCode, e.StatusCode);
        Add(AuditEventFields.DurationMs, e.DurationMs);
        Add(AuditEventFields.IpAddress, e.IpAddress);
        Add(AuditEventFields.UserAgent, e.UserAgent);
        Add(AuditEventFields.RequestId, e.RequestId);
        Add(AuditEventFields.TraceId, e.TraceId);
        Add(AuditEventFields.SessionId, e.SessionId);
        Add(AuditEventFields.Description, e.Description);
        Add(AuditEventFields.ErrorCode, e.ErrorCode);
        Add(AuditEventFields.ErrorMessage, e.ErrorMessage);
        Add(AuditEventFields.StackTrace, e.StackTrace);
        Add(AuditEventFields.Tags, e.Tags is { Count: > 0 } tags ? string.Join(", ", tags) : null);
        Add(AuditEventFields.DataClassification, e.DataClassification);
        Add(AuditEventFields.Metadata, e.Metadata?.ToJsonString());
        return fields;
    }
}
