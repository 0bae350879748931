using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AuditKit.Middleware;

/// <summary>
/// The last step of every event this package records: runs the <see cref="IAuditEnricher"/>s, then hands the event to
/// the <see cref="IAuditSink"/> without waiting. A refusing or throwing sink, or a throwing enricher, is logged and
/// counted, never passed on to the application.
/// </summary>
internal sealed class AuditEventWriter(
    IAuditSink sink,
    IEnumerable<IAuditEnricher> enrichers,
    AuditingMetrics metrics,
    ILogger<AuditEventWriter> logger)
{
    private readonly IAuditEnricher[] _enrichers = [.. enrichers];

    public bool Write(AuditEvent auditEvent, HttpContext? httpContext)
    {
        if (httpContext is not null)
        {
            foreach (var enricher in _enrichers)
            {
                try
                {
                    enricher.Enrich(httpContext, auditEvent);
                }
                catch (Exception exception)
                {
                    AuditingLog.EnricherFailed(logger, exception, enricher.GetType().Name);
                }
            }
        }

        bool taken;
        try
        {
            taken = sink.TryWrite(auditEvent);
        }
        catch (Exception exception)
        {
            metrics.Failed(auditEvent.Source);
            AuditingLog.SinkFailed(logger, exception, auditEvent.Source, auditEvent.Id, auditEvent.Action);
            return false;
        }

        if (taken)
        {
            metrics.Written(auditEvent.Source);
        }
        else
        {
            metrics.Rejected(auditEvent.Source);
            AuditingLog.SinkRejected(logger, auditEvent.Source, auditEvent.Id, auditEvent.Action);
        }

        return taken;
    }
}
