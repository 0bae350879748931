namespace AuditKit.Server.Alerts;

/// <summary>The triage moves an alert can make.</summary>
internal static class AlertTransitions
{
    /// <summary>Whether an alert in <paramref name="status"/> can move to <paramref name="target"/>: acknowledged from open, resolved from open or acknowledged.</summary>
    public static bool CanChange(AlertStatus status, AlertStatus target) => target switch
    {
        AlertStatus.Acknowledged => status == AlertStatus.Open,
        AlertStatus.Resolved => status != AlertStatus.Resolved,
        _ => false,
    };
}
