using System.Diagnostics.CodeAnalysis;

namespace AuditKit.Server.Auth;

/// <summary>A person's role in one tenant, written <c>tenant:role</c> (in the console users table and in OIDC claims).</summary>
internal readonly record struct PersonGrant(string TenantId, string Role)
{
    /// <summary>Parses <c>tenant:role</c>; false for anything else (an unknown role, a malformed tenant id).</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out PersonGrant? grant)
    {
        grant = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var separator = value.LastIndexOf(':');
        if (separator <= 0)
        {
            return false;
        }

        var tenant = value[..separator].Trim();
        var role = ConsoleRoles.Parse(value[(separator + 1)..]);
        if (role is null || !TenantIds.IsValid(tenant))
        {
            return false;
        }

        grant = new PersonGrant(tenant, role);
        return true;
    }

    public override string ToString() => TenantId + ":" + Role;
}
