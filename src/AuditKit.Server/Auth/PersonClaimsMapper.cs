using System.Security.Claims;

namespace AuditKit.Server.Auth;

/// <summary>
/// Turns the identity an OpenID provider vouches for (an ID token or an access token) into a person: the subject,
/// a display name, and the <c>tenant:role</c> grants read from the configured claim
/// (<see cref="ConsoleOidcOptions.TenantRolesClaim"/>). The claim may appear once per grant, or once holding a JSON
/// array or space- or comma-separated values; values that are not a valid grant are ignored.
/// </summary>
internal static class PersonClaimsMapper
{
    /// <summary>The person, or null when the identity has no subject.</summary>
    public static ClaimsPrincipal? Map(ClaimsPrincipal identity, string tenantRolesClaim, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var subject = identity.FindFirstValue("sub") ?? identity.FindFirstValue(ClaimTypes.NameIdentifier);
        if (string.IsNullOrEmpty(subject))
        {
            return null;
        }

        var name = identity.FindFirstValue("preferred_username")
            ?? identity.FindFirstValue("name")
            ?? identity.FindFirstValue("email")
            ?? subject;
        var grants = identity.FindAll(tenantRolesClaim).SelectMany(static c => Split(c.Value))
            .Select(static v => PersonGrant.TryParse(v, out var g) ? g : null)
            .OfType<PersonGrant>();
        return PersonPrincipal.Create("oidc:" + subject, name, grants, authenticationType);
    }

    private static IEnumerable<string> Split(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.StartsWith('['))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                return [.. document.RootElement.EnumerateArray().Where(static e => e.ValueKind == JsonValueKind.String).Select(static e => e.GetString()!)];
            }
            catch (JsonException)
            {
                return [];
            }
        }

        return trimmed.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
