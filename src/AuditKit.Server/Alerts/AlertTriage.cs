using AuditKit.Server.Admin;
using AuditKit.Server.Auth;
using AuditKit.Server.Detection;

namespace AuditKit.Server.Alerts;

/// <summary>
/// Acknowledges or resolves an alert for a caller — the one path of the alert API and the console. The change and the
/// audit event recording it commit together: the status changes in the transaction that stores the event, on
/// condition that it is still the one read before, so of concurrent changes exactly one wins and the others conflict.
/// </summary>
internal sealed partial class AlertTriage(IAlertStore alerts, AdminAuditRecorder recorder, TimeProvider timeProvider, ILogger<AlertTriage> logger)
{
    /// <summary>The longest note accepted.</summary>
    public const int MaxNoteLength = 2000;

    /// <summary>The status <paramref name="value"/> names (<c>acknowledged</c> or <c>resolved</c>, any case), or null.</summary>
    public static AlertStatus? Target(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "acknowledged" => AlertStatus.Acknowledged,
        "resolved" => AlertStatus.Resolved,
        _ => null,
    };

    /// <summary>A note as stored: trimmed, null when blank.</summary>
    public static string? Note(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The lower-case name of <paramref name="status"/>, as the API writes it.</summary>
    public static string Name(AlertStatus status) => status switch
    {
        AlertStatus.Open => "open",
        AlertStatus.Acknowledged => "acknowledged",
        _ => "resolved",
    };

    /// <summary>Who made a change, as stored in <c>acknowledged_by</c> / <c>resolved_by</c>.</summary>
    public static string By(AuditCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.KeyId.StartsWith(PersonPrincipal.KeyIdPrefix, StringComparison.Ordinal) ? caller.KeyId : "api-key:" + caller.KeyId;
    }

    /// <summary>
    /// Moves <paramref name="before"/> (as read by the caller) to <paramref name="target"/> with <paramref name="note"/>
    /// (already checked: at most <see cref="MaxNoteLength"/>), recording the change under <paramref name="caller"/>.
    /// </summary>
    public async Task<AlertTriageResult> ChangeAsync(
        HttpContext context, AuditCaller caller, AlertRow before, AlertStatus target, string? note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(before);
        var tenantId = caller.TenantId!;
        if (AlertTransitions.CanChange(before.Status, target))
        {
            var change = new AdminAction(
                AuditActions.Update,
                StatusCodes.Status200OK,
                "Alert",
                before.Id.ToString(),
                AlertRules.Title(before.Rule, before.KeyType, before.KeyValue),
                AuditSeverity.Medium,
                $"Alert {before.Id} ({before.Rule}) {Name(target)} by {caller.KeyPrefix}…" + (note is null ? "." : $": {note}"))
            {
                Category = AlertEndpoints.AuditCategory,
                OldValues = new JsonObject { ["status"] = Name(before.Status) },
                NewValues = new JsonObject { ["status"] = Name(target), ["note"] = note },
            };
            if (await recorder.RecordIfAsync(
                context,
                caller,
                tenantId,
                change,
                (transaction, ct) => alerts.ChangeStatusAsync(
                    transaction, tenantId, before.Id, before.Status, target, By(caller), note, timeProvider.GetUtcNow(), ct),
                cancellationToken))
            {
                LogTriaged(logger, before.Id, Name(target), tenantId, caller.KeyPrefix);
                var after = await alerts.GetAsync(tenantId, before.Id, cancellationToken);
                return new AlertTriageResult(after is null ? AlertTriageOutcome.NotFound : AlertTriageOutcome.Changed, after);
            }

            // Another change won since the alert was read: nothing was changed, nothing recorded.
        }

        var current = await alerts.GetAsync(tenantId, before.Id, cancellationToken);
        return new AlertTriageResult(current is null ? AlertTriageOutcome.NotFound : AlertTriageOutcome.Conflict, current);
    }

    [LoggerMessage(EventId = 620, Level = LogLevel.Information, Message = "Alert {AlertId} {Status} in tenant {TenantId} by key {KeyPrefix}")]
    private static partial void LogTriaged(ILogger logger, Guid alertId, string status, string tenantId, string keyPrefix);
}
