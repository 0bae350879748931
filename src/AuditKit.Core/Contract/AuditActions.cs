namespace AuditKit;

/// <summary>
/// The well-known values of <see cref="AuditEvent.Action"/>. The set is open: any UPPER_SNAKE_CASE word is a valid
/// action, these are the ones the server's analytics and detection rules understand.
/// </summary>
public static class AuditActions
{
#pragma warning disable CS1591 // The names are the documentation.
    public const string Login = "LOGIN";
    public const string Logout = "LOGOUT";
    public const string LoginFailed = "LOGIN_FAILED";
    public const string PasswordReset = "PASSWORD_RESET";
    public const string PasswordChange = "PASSWORD_CHANGE";
    public const string Create = "CREATE";
    public const string Read = "READ";
    public const string Update = "UPDATE";
    public const string Delete = "DELETE";
    public const string Export = "EXPORT";
    public const string Import = "IMPORT";
    public const string Approve = "APPROVE";
    public const string Reject = "REJECT";
    public const string Complete = "COMPLETE";
    public const string Cancel = "CANCEL";
    public const string RoleAssign = "ROLE_ASSIGN";
    public const string RoleRemove = "ROLE_REMOVE";
    public const string PermissionGrant = "PERMISSION_GRANT";
    public const string PermissionRevoke = "PERMISSION_REVOKE";
    public const string ConfigUpdate = "CONFIG_UPDATE";
    public const string SettingChange = "SETTING_CHANGE";
#pragma warning restore CS1591

    /// <summary>Every well-known action.</summary>
    public static IReadOnlyList<string> WellKnown { get; } =
    [
        Login, Logout, LoginFailed, PasswordReset, PasswordChange,
        Create, Read, Update, Delete,
        Export, Import,
        Approve, Reject, Complete, Cancel,
        RoleAssign, RoleRemove, PermissionGrant, PermissionRevoke,
        ConfigUpdate, SettingChange,
    ];

    /// <summary>
    /// Turns a free-form action (<c>created</c>, <c>user.login-failed</c>) into the UPPER_SNAKE_CASE form the
    /// contract uses (<c>CREATED</c>, <c>USER_LOGIN_FAILED</c>). Older clients send lower-case actions.
    /// </summary>
    public static string Normalize(string action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var trimmed = action.AsSpan().Trim();
        return string.Create(trimmed.Length, trimmed.ToString(), static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c is '.' or '-' or ' ' or ':' or '/' ? '_' : char.ToUpperInvariant(c);
            }
        });
    }
}
