namespace AuditKit;

/// <summary>
/// Where audit events go. Implementations hand the event to an in-process buffer and return at once: a request
/// path or SaveChanges never waits on the network because of auditing.
/// </summary>
public interface IAuditSink
{
    /// <summary>
    /// Hands <paramref name="auditEvent"/> over without waiting on I/O. Returns <see langword="false"/> when the sink
    /// could not take it (full or shut down); the sink has then already logged and counted the loss. Never throws
    /// for a full or failing downstream.
    /// </summary>
    bool TryWrite(AuditEvent auditEvent);
}
