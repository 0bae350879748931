namespace AuditKit.Server.Storage;

/// <summary>
/// The names of the tables of detection and alerting (each slice configures its own in the EF Core model): the outbox of batches waiting for evaluation, alerts, the
/// window state of the rules that keep some (user IPs, user days, user minutes), webhooks and their delivery log. Every key and index leads with
/// <c>tenant_id</c>, like the rest of the tenant data.
/// </summary>
internal static class DetectionModel
{
    public const string AlertsTable = "alerts";
    public const string OutboxTable = "detection_outbox";
    public const string UserIpsTable = "detection_user_ips";
    public const string UserDaysTable = "detection_user_days";
    public const string UserMinutesTable = "detection_user_minutes";
    public const string WebhooksTable = "webhooks";
    public const string DeliveriesTable = "webhook_deliveries";

    /// <summary>The partial unique index that allows one unresolved alert per tenant, rule and key.</summary>
    public const string UnresolvedAlertIndex = "ux_alerts_unresolved_rule_key";

    /// <summary>The predicate of <see cref="UnresolvedAlertIndex"/> (open or acknowledged), as both providers spell it.</summary>
    public const string UnresolvedPredicate = "status < 2";

    /// <summary>Failed logins (see <see cref="StoredEventPredicates.FailedLoginSql"/>), unqualified, for partial indexes.</summary>
    public const string FailedLoginFilter = "action_canonical = 'LOGIN_FAILED' OR (action_canonical = 'LOGIN' AND status = 1)";

    /// <summary>Grants (see <see cref="StoredEventPredicates.GrantSql"/>: the action part), unqualified, for a partial index.</summary>
    public const string GrantFilter = "action_canonical IN ('ROLE_ASSIGN', 'PERMISSION_GRANT')";
}
