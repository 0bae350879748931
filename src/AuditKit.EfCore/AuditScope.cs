using System.Diagnostics;

namespace AuditKit.EfCore;

/// <summary>
/// The ambient facts (user, tenant, request, W3C trace id) of the flow that did the work, taken when the work
/// starts: a commit may run later, but the event belongs to whoever made the change.
/// </summary>
internal sealed class AuditScope(AuditContext? context, string? traceId)
{
    public AuditContext? Context { get; } = context;

    public string? TraceId { get; } = traceId;

    public static AuditScope Capture(IAuditContextAccessor accessor)
    {
        var context = accessor.Current;
        var traceId = context?.TraceId;
        if (traceId is null && Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            traceId = activity.TraceId.ToHexString();
        }

        return new AuditScope(context, traceId);
    }

    public void Stamp(AuditEvent auditEvent)
    {
        auditEvent.TraceId = TraceId;
        Context?.ApplyTo(auditEvent);
    }
}
