namespace AuditKit.Server.Storage;

/// <summary>
/// Which stored events the detection rules and the suspicious-activity report consider, in SQL over alias <c>e</c>
/// (the same as detection's C# predicates say for the events of a pass, so both always agree).
/// </summary>
internal static class StoredEventPredicates
{
    /// <summary>Failed sign-ins over alias <c>e</c>, by canonical action.</summary>
    public const string FailedLoginSql = "(e.action_canonical = 'LOGIN_FAILED' OR (e.action_canonical = 'LOGIN' AND e.status = 1))";

    /// <summary>Successful sign-ins over alias <c>e</c>, by canonical action.</summary>
    public const string SuccessfulLoginSql = "(e.action_canonical = 'LOGIN' AND e.status = 0)";

    /// <summary>Grants of a role or permission to a user over alias <c>e</c>, by canonical action; the grantee is <c>e.resource_id</c>.</summary>
    public const string GrantSql =
        "(e.action_canonical IN ('ROLE_ASSIGN', 'PERMISSION_GRANT') AND e.resource_id IS NOT NULL AND (e.resource_type IS NULL OR lower(e.resource_type) IN ('user', 'users')))";

    /// <summary>HIGH or CRITICAL events over alias <c>e</c>.</summary>
    public const string HighSeveritySql = "e.severity >= 2";
}
