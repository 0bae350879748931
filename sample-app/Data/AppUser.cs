namespace AuditKit.SampleApp.Data;

/// <summary>A user who can sign in; roles are a comma-separated list.</summary>
public sealed class AppUser
{
    public int Id { get; set; }

    public string Username { get; set; } = string.Empty;

    public string Email { get; set; } = string.Empty;

    public string PasswordHash { get; set; } = string.Empty;

    public string Roles { get; set; } = string.Empty;

    public IReadOnlyList<string> RoleList => Roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
