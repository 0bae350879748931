namespace AuditKit.Server.Alerts;

/// <summary>The outcome of a status change.</summary>
internal enum AlertTransition
{
    /// <summary>No such alert in the tenant.</summary>
    NotFound,

    /// <summary>The alert was not in a status the change applies to (e.g. already resolved).</summary>
    Conflict,

    /// <summary>Changed.</summary>
    Changed,
}
