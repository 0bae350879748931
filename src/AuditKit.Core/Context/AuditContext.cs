namespace AuditKit;

/// <summary>
/// Who is acting, for which tenant, in which trace: the ambient facts every event of the current flow carries. The
/// request middleware sets one per request; console and worker code sets one with
/// <see cref="IAuditContextAccessor.BeginScope(AuditContext)"/>.
/// </summary>
public sealed class AuditContext
{
    /// <summary>The acting user's id.</summary>
    public string? UserId { get; init; }

    /// <summary>The acting user's name.</summary>
    public string? Username { get; init; }

    /// <summary>The acting user's e-mail address.</summary>
    public string? UserEmail { get; init; }

    /// <summary>The tenant the work is done for.</summary>
    public string? TenantId { get; init; }

    /// <summary>The W3C trace id; when <see langword="null"/>, <c>Activity.Current</c>'s is used.</summary>
    public string? TraceId { get; init; }

    /// <summary>The request or job id.</summary>
    public string? RequestId { get; init; }

    /// <summary>The user's session id.</summary>
    public string? SessionId { get; init; }

    /// <summary>The client's IP address.</summary>
    public string? IpAddress { get; init; }

    /// <summary>The client's user agent.</summary>
    public string? UserAgent { get; init; }

    /// <summary>
    /// Fills this context's facts into <paramref name="auditEvent"/> wherever the event has none yet: a value the
    /// caller set on the event always wins.
    /// </summary>
    /// <param name="auditEvent">The event to complete.</param>
    public void ApplyTo(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        auditEvent.UserId ??= UserId;
        auditEvent.Username ??= Username;
        auditEvent.UserEmail ??= UserEmail;
        auditEvent.TenantId ??= TenantId;
        auditEvent.TraceId ??= TraceId;
        auditEvent.RequestId ??= RequestId;
        auditEvent.SessionId ??= SessionId;
        auditEvent.IpAddress ??= IpAddress;
        auditEvent.UserAgent ??= UserAgent;
    }
}
