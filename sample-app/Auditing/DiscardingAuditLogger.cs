using AuditKit.Middleware;

namespace AuditKit.SampleApp.Auditing;

/// <summary>The <see cref="IAuditLogger"/> of <c>SampleApp:Auditing=Off</c>: the services still log, nothing is kept.</summary>
public sealed class DiscardingAuditLogger : IAuditLogger
{
    public bool Log(AuditEvent auditEvent) => false;

    public bool LoginSucceeded(string userId, string? username = null, string? email = null) => false;

    public bool LoginFailed(string username, string reason) => false;
}
