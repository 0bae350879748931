namespace AuditKit.Server.Console;

/// <summary>
/// <c>POST /api/v1/admin/tenants/{tenantId}/console-users</c>: <c>{"username","password","role"}</c>. A new name is
/// created with the password; an existing name is granted the role in the tenant and must not send a password (only
/// its owner's first admin set it).
/// </summary>
internal sealed class CreateConsoleUserRequest
{
    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? Role { get; set; }
}
