using System.Text.Json.Nodes;

namespace AuditKit.Middleware;

/// <summary>
/// Logs explicit audit events from the service layer, where the business context is known: who did what to which
/// resource, with the state before and after. During a request the request's context (user, tenant, client IP, user
/// agent, request id, trace id, method, path) is filled in; values are masked by name before they leave the process.
/// Never blocks: events go to the in-process delivery pipeline.
/// </summary>
/// <remarks>
/// Sign-in outcomes (<see cref="LoginSucceeded"/>, <see cref="LoginFailed"/>) logged during an audited request become
/// that request's event (one event per attempt, with its status code and duration); elsewhere they are written as
/// events of their own.
/// </remarks>
public interface IAuditLogger
{
    /// <summary>
    /// Logs <paramref name="auditEvent"/>, filling what it leaves unset (id, timestamp, source <c>manual</c>, service,
    /// and the current request's context) and masking its values by name.
    /// </summary>
    /// <returns>Whether the delivery pipeline took the event (it has logged and counted it when not).</returns>
    /// <exception cref="ArgumentException">The event's action cannot be made UPPER_SNAKE_CASE (a programming error, not an audit failure).</exception>
    bool Log(AuditEvent auditEvent);

    /// <summary>
    /// Logs a business event (seed style: <c>log_audit(action, resource_type, resource_id, ...)</c>): the event these
    /// arguments make (source <c>manual</c>), through <see cref="Log(AuditEvent)"/>.
    /// </summary>
    /// <param name="action">What happened, e.g. <see cref="AuditActions.Update"/> or a domain action such as <c>ENDPOINT_PUBLISHED</c>.</param>
    /// <param name="resourceType">The kind of resource acted on.</param>
    /// <param name="resourceId">The resource's id.</param>
    /// <param name="details">Free-form context, recorded as <c>metadata</c> (masked).</param>
    /// <param name="oldValues">The state before (masked).</param>
    /// <param name="newValues">The state after (masked).</param>
    /// <param name="success">Whether the operation succeeded.</param>
    /// <param name="severity">The severity; defaults to the well-known action's (LOW for reads, MEDIUM for writes, HIGH or CRITICAL for security actions).</param>
    /// <param name="description">Human-readable text.</param>
    /// <returns>Whether the delivery pipeline took the event.</returns>
    /// <exception cref="ArgumentException"><paramref name="action"/> is empty or cannot be made UPPER_SNAKE_CASE.</exception>
    bool Log(
        string action,
        string? resourceType = null,
        string? resourceId = null,
        JsonObject? details = null,
        JsonObject? oldValues = null,
        JsonObject? newValues = null,
        bool success = true,
        AuditSeverity? severity = null,
        string? description = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        var auditEvent = AuditLogger.Manual(AuditedAttribute.NormalizeAction(action), success, resourceType, resourceId);
        auditEvent.Metadata = details;
        auditEvent.OldValues = oldValues;
        auditEvent.NewValues = newValues;
        auditEvent.Severity = severity ?? auditEvent.Severity;
        auditEvent.Description = description;
        return Log(auditEvent);
    }

    /// <summary>Records a successful sign-in of <paramref name="userId"/> (action <c>LOGIN</c>).</summary>
    /// <param name="userId">The signed-in user's id.</param>
    /// <param name="username">The user's name.</param>
    /// <param name="email">The user's e-mail address.</param>
    /// <returns>Whether the event was taken (or attached to the current request's event).</returns>
    bool LoginSucceeded(string userId, string? username = null, string? email = null);

    /// <summary>Records a failed sign-in (action <c>LOGIN_FAILED</c>, status FAILURE, severity CRITICAL).</summary>
    /// <param name="username">The name that was tried; recorded as <c>username</c> (never the password).</param>
    /// <param name="reason">Why it failed, e.g. <c>invalid_password</c> or <c>unknown_user</c>; recorded as <c>error_message</c>.</param>
    /// <returns>Whether the event was taken (or attached to the current request's event).</returns>
    bool LoginFailed(string username, string reason);
}
