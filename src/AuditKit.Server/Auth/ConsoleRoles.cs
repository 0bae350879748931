namespace AuditKit.Server.Auth;

/// <summary>
/// What a person may do in a tenant. Unlike key roles these nest: triage includes read, admin includes both.
/// </summary>
internal static class ConsoleRoles
{
    /// <summary>Reads the tenant's events and alerts.</summary>
    public const string Read = "read";

    /// <summary>Reads, and acknowledges or resolves alerts.</summary>
    public const string Triage = "triage";

    /// <summary>Reads, triages, and administers the tenant (keys, webhooks, console users).</summary>
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Read, Triage, Admin];

    /// <summary>The role named by <paramref name="value"/> in any case, or null when it is not a role.</summary>
    public static string? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        Read => Read,
        Triage => Triage,
        Admin => Admin,
        _ => null,
    };

    /// <summary>How much <paramref name="role"/> may do, to pick the strongest of several grants of one tenant.</summary>
    public static int Rank(string role) => role switch
    {
        Read => 1,
        Triage => 2,
        Admin => 3,
        _ => 0,
    };
}
