using Microsoft.AspNetCore.Http;

namespace AuditKit.Middleware;

/// <summary>
/// Adds or overrides fields of the events recorded for a request: the request's own event and the explicit events
/// logged with <see cref="IAuditLogger"/> while it runs. Register with <c>services.AddAuditEnricher&lt;T&gt;()</c>;
/// enrichers run in registration order, after the middleware has filled the event and before it is written.
/// </summary>
/// <remarks>
/// Runs on the request path: keep it fast and free of I/O. An enricher that throws is logged and skipped; the event is
/// still written. Values put into <see cref="AuditEvent.Metadata"/> or the value objects are not masked again.
/// </remarks>
public interface IAuditEnricher
{
    /// <summary>Adds or overrides fields of <paramref name="auditEvent"/>, recorded for <paramref name="httpContext"/>.</summary>
    void Enrich(HttpContext httpContext, AuditEvent auditEvent);
}
