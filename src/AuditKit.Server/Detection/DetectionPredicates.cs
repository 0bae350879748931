namespace AuditKit.Server.Detection;

/// <summary>
/// Which events the rules consider, in C# for the events of a pass; <see cref="StoredEventPredicates"/> says the same
/// in SQL for the events already stored, so both always agree.
/// </summary>
internal static class DetectionPredicates
{
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
