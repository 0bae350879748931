namespace AuditKit.Server.Auth;

/// <summary>The claims of a signed-in person (console user or OIDC identity), beside <see cref="AuditKitClaimTypes"/>.</summary>
internal static class PersonClaimTypes
{
    /// <summary>Who the person is: <c>local:&lt;username&gt;</c> or <c>oidc:&lt;subject&gt;</c>. Recorded as the actor.</summary>
    public const string Person = "auditkit:person";

    /// <summary>The name shown and recorded as the actor's username.</summary>
    public const string Name = "auditkit:person_name";

    /// <summary>One <c>tenant:role</c> grant (see <see cref="PersonGrant"/>), one claim per grant.</summary>
    public const string Grant = "auditkit:grant";

    /// <summary>
    /// Marks a person scoped to a tenant with only the <see cref="ConsoleRoles.Read"/> role: the API's read role lets
    /// read keys triage alerts, a read-only person may not.
    /// </summary>
    public const string ReadOnly = "auditkit:read_only";
}
