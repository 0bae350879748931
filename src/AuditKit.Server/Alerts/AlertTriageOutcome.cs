namespace AuditKit.Server.Alerts;

/// <summary>How an acknowledge or resolve request ended.</summary>
internal enum AlertTriageOutcome
{
    /// <summary>The alert moved to the target status; the change was recorded.</summary>
    Changed = 0,

    /// <summary>No such alert in the tenant.</summary>
    NotFound = 1,

    /// <summary>The alert's status does not allow the move (perhaps someone else changed it first); nothing changed.</summary>
    Conflict = 2,
}
