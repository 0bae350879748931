namespace AuditKit.Server.Auth;

/// <summary>
/// What an API key may do. Roles do not nest: an ingest key cannot read, a read key cannot ingest, and an admin key
/// only manages tenants and keys.
/// </summary>
internal static class ApiKeyRoles
{
    /// <summary>Posts events for its tenant (and the tenants it is explicitly allowed to write for).</summary>
    public const string Ingest = "ingest";

    /// <summary>Reads its tenant's events.</summary>
    public const string Read = "read";

    /// <summary>Manages keys of its tenant; the bootstrap admin key also creates tenants.</summary>
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Ingest, Read, Admin];

    /// <summary>The role named by <paramref name="value"/> in any case, or null when it is not a role.</summary>
    public static string? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        Ingest => Ingest,
        Read => Read,
        Admin => Admin,
        _ => null,
    };
}
