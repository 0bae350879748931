namespace AuditKit.Server.Detection;

/// <summary>
/// Which events the rules consider, once in C# (for the events of a pass) and once in SQL (for the events already
/// stored), so both always agree.
/// </summary>
internal static class DetectionPredicates
{
    /// <summary>Failed sign-ins over alias <c>e</c>.</summary>
    public const string FailedLoginSql = "(e.action = 'LOGIN_FAILED' OR (e.action = 'LOGIN' AND e.status = 1))";

    /// <summary>Successful sign-ins over alias <c>e</c>.</summary>
    public const string SuccessfulLoginSql = "(e.action = 'LOGIN' AND e.status = 0)";

    /// <summary>Grants of a role or permission to a user over alias <c>e</c>; the grantee is <c>e.resource_id</c>.</summary>
    public const string GrantSql =
        "(e.action IN ('ROLE_ASSIGN', 'PERMISSION_GRANT') AND e.resource_id IS NOT NULL AND (e.resource_type IS NULL OR lower(e.resource_type) IN ('user', 'users')))";

    /// <summary>HIGH or CRITICAL events over alias <c>e</c>.</summary>
    public const string HighSeveritySql = "e.severity >= 2";

    public static bool IsFailedLogin(string action, AuditStatus status) =>
        action == AuditActions.LoginFailed || (action == AuditActions.Login && status == AuditStatus.Failure);

    /// <summary>
    /// The grantee of a <c>ROLE_ASSIGN</c> or <c>PERMISSION_GRANT</c>: the event's <c>resource_id</c> when its
    /// <c>resource_type</c> is <c>User</c> (any case, or missing) — the user the role or permission was given to.
    /// </summary>
    public static string? Grantee(string action, string? resourceType, string? resourceId)
    {
        if (action is not (AuditActions.RoleAssign or AuditActions.PermissionGrant) || string.IsNullOrWhiteSpace(resourceId))
        {
            return null;
        }

        return resourceType is null
            || resourceType.Equals("user", StringComparison.OrdinalIgnoreCase)
            || resourceType.Equals("users", StringComparison.OrdinalIgnoreCase)
            ? resourceId
            : null;
    }
}
