namespace AuditKit.Middleware;

/// <summary>
/// Who made a request and from where, as <see cref="RequestPartyReader"/> read it: a value, so the request's own event
/// gets it without an allocation.
/// </summary>
internal readonly record struct RequestParty(
    string? UserId,
    string? Username,
    string? UserEmail,
    string? SessionId,
    string? TenantId,
    string? IpAddress,
    string? UserAgent)
{
    /// <summary>Fills the party into the event wherever the event has no value yet.</summary>
    public void ApplyTo(AuditEvent auditEvent)
    {
        auditEvent.UserId ??= UserId;
        auditEvent.Username ??= Username;
        auditEvent.UserEmail ??= UserEmail;
        auditEvent.SessionId ??= SessionId;
        auditEvent.TenantId ??= TenantId;
        auditEvent.IpAddress ??= IpAddress;
        auditEvent.UserAgent ??= UserAgent;
    }

    /// <summary>The ambient context of the request, for the events it causes elsewhere (EF Core, explicit events).</summary>
    public AuditContext ToContext(string? requestId, string? traceId) => new()
    {
        UserId = UserId,
        Username = Username,
        UserEmail = UserEmail,
        SessionId = SessionId,
        TenantId = TenantId,
        IpAddress = IpAddress,
        UserAgent = UserAgent,
        RequestId = requestId,
        TraceId = traceId,
    };
}
