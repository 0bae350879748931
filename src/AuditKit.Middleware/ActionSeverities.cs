namespace AuditKit.Middleware;

/// <summary>The severity an explicit event gets from its action when the caller names none (DESIGN: security actions CRITICAL, sensitive operations HIGH, writes MEDIUM, reads LOW).</summary>
internal static class ActionSeverities
{
    public static AuditSeverity For(string action, bool success)
    {
        var severity = action switch
        {
            AuditActions.LoginFailed or AuditActions.RoleAssign or AuditActions.RoleRemove
                or AuditActions.PermissionGrant or AuditActions.PermissionRevoke
                or AuditActions.PasswordReset or AuditActions.PasswordChange => AuditSeverity.Critical,
            AuditActions.ConfigUpdate or AuditActions.SettingChange or AuditActions.Delete
                or AuditActions.Export => AuditSeverity.High,
            AuditActions.Read or AuditActions.Login or AuditActions.Logout => AuditSeverity.Low,
            _ => AuditSeverity.Medium,
        };

        // A failed operation deserves at least a look.
        return success || severity >= AuditSeverity.Medium ? severity : AuditSeverity.Medium;
    }
}
