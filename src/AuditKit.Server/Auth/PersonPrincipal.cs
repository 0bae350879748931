using System.Security.Claims;

namespace AuditKit.Server.Auth;

/// <summary>
/// Builds the principal of a signed-in person and, for one tenant, the principal the API's authorization and tenant
/// scoping read: the same <see cref="AuditKitClaimTypes"/> an API key carries, so the console and JWT bearer calls go
/// through the API's own policies and <see cref="AuditCaller"/>.
/// </summary>
internal static class PersonPrincipal
{
    /// <summary>The <see cref="AuditCaller.KeyId"/> of a person starts with this, followed by the person's id.</summary>
    public const string KeyIdPrefix = "person:";

    /// <summary>A person with <paramref name="grants"/>, authenticated by <paramref name="authenticationType"/>.</summary>
    public static ClaimsPrincipal Create(string personId, string name, IEnumerable<PersonGrant> grants, string authenticationType)
    {
        ArgumentException.ThrowIfNullOrEmpty(personId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(grants);
        var claims = new List<Claim> { new(PersonClaimTypes.Person, personId), new(PersonClaimTypes.Name, name) };
        claims.AddRange(grants.Distinct().Select(static g => new Claim(PersonClaimTypes.Grant, g.ToString())));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, PersonClaimTypes.Name, AuditKitClaimTypes.Role));
    }

    /// <summary>The tenants <paramref name="person"/> holds a grant in, each with its strongest role, by tenant id.</summary>
    public static IReadOnlyList<PersonGrant> Grants(ClaimsPrincipal person)
    {
        ArgumentNullException.ThrowIfNull(person);
        return [.. person.FindAll(PersonClaimTypes.Grant)
            .Select(static c => PersonGrant.TryParse(c.Value, out var g) ? g : null)
            .OfType<PersonGrant>()
            .GroupBy(static g => g.TenantId, StringComparer.Ordinal)
            .Select(static group => group.MaxBy(static g => ConsoleRoles.Rank(g.Role)))
            .OrderBy(static g => g.TenantId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// <paramref name="person"/> acting in <paramref name="tenantId"/>: tenant-bound API claims mapped from the
    /// person's role there (read ⇒ the read role, marked read-only; triage ⇒ the read role, which may triage;
    /// admin ⇒ the admin role first, then read). Null when the person holds no grant in the tenant.
    /// </summary>
    public static ClaimsPrincipal? ForTenant(ClaimsPrincipal person, string tenantId)
    {
        ArgumentNullException.ThrowIfNull(person);
        var personId = person.FindFirstValue(PersonClaimTypes.Person);
        if (personId is null)
        {
            return null;
        }

        var grant = Grants(person).FirstOrDefault(g => string.Equals(g.TenantId, tenantId, StringComparison.Ordinal));
        if (grant.TenantId is null)
        {
            return null;
        }

        var name = person.FindFirstValue(PersonClaimTypes.Name) ?? personId;
        var claims = new List<Claim>
        {
            new(AuditKitClaimTypes.KeyId, KeyIdPrefix + personId),
            new(AuditKitClaimTypes.KeyPrefix, name),
            new(AuditKitClaimTypes.Tenant, grant.TenantId),
        };

        // AuditCaller reads the first role claim: an admin person is the tenant's admin, and may also read.
        switch (grant.Role)
        {
            case ConsoleRoles.Admin:
                claims.Add(new Claim(AuditKitClaimTypes.Role, ApiKeyRoles.Admin));
                claims.Add(new Claim(AuditKitClaimTypes.Role, ApiKeyRoles.Read));
                break;
            case ConsoleRoles.Triage:
                claims.Add(new Claim(AuditKitClaimTypes.Role, ApiKeyRoles.Read));
                break;
            default:
                claims.Add(new Claim(AuditKitClaimTypes.Role, ApiKeyRoles.Read));
                claims.Add(new Claim(PersonClaimTypes.ReadOnly, "true"));
                break;
        }

        claims.AddRange(person.Claims.Where(static c => c.Type is PersonClaimTypes.Person or PersonClaimTypes.Name or PersonClaimTypes.Grant));
        var authenticationType = person.Identity?.AuthenticationType ?? "person";
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, PersonClaimTypes.Name, AuditKitClaimTypes.Role));
    }
}
