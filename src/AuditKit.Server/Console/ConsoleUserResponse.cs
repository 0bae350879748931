namespace AuditKit.Server.Console;

/// <summary>A console user as seen from one tenant: its name and role there, never its password hash.</summary>
internal sealed record ConsoleUserResponse(Guid Id, string Username, string TenantId, string Role, DateTimeOffset CreatedAt, DateTimeOffset? LockedUntil)
{
    public static ConsoleUserResponse From(ConsoleUserRecord user, string tenantId, string role)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new ConsoleUserResponse(user.Id, user.Username, tenantId, role, user.CreatedAt, user.LockedUntil);
    }
}

/// <summary>The console users of a tenant: <c>{ "items" }</c>.</summary>
internal sealed record ConsoleUserListResponse(IReadOnlyList<ConsoleUserResponse> Items);
