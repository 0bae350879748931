using System.Security.Claims;
using AuditKit.Server.Admin;
using AuditKit.Server.Auth;

namespace AuditKit.Server.Console;

/// <summary>
/// Records what people do in the console in the tenant's own log, under the person's identity (the event's
/// <c>user_id</c> is <c>local:&lt;name&gt;</c> or <c>oidc:&lt;subject&gt;</c>), through the recorder the admin API uses.
/// </summary>
internal sealed class ConsoleActivityRecorder(AdminAuditRecorder recorder)
{
    /// <summary>The <c>category</c> of console events.</summary>
    public const string Category = ServerRecords.ConsoleCategory;

    /// <summary>The <c>resource_type</c> of sign-in events.</summary>
    public const string SessionResourceType = "ConsoleSession";

    /// <summary>Records a sign-in attempt of <paramref name="person"/> in every tenant the person holds a grant in.</summary>
    public async Task RecordSignInAsync(HttpContext context, ClaimsPrincipal person, ConsoleSignInOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(person);
        var (action, status, severity, text) = outcome switch
        {
            ConsoleSignInOutcome.Succeeded => (AuditActions.Login, AuditStatus.Success, AuditSeverity.Medium, "signed in to the console"),
            ConsoleSignInOutcome.LockedOut => (AuditActions.LoginFailed, AuditStatus.Failure, AuditSeverity.Critical, "was refused: the console user is locked after repeated failed sign-ins"),
            _ => (AuditActions.LoginFailed, AuditStatus.Failure, AuditSeverity.High, "failed to sign in to the console (wrong password)"),
        };
        var name = person.FindFirstValue(PersonClaimTypes.Name) ?? string.Empty;
        foreach (var grant in PersonPrincipal.Grants(person))
        {
            var caller = AuditCaller.From(PersonPrincipal.ForTenant(person, grant.TenantId)!);
            var recorded = new AdminAction(
                action,
                outcome == ConsoleSignInOutcome.Succeeded ? StatusCodes.Status302Found : StatusCodes.Status200OK,
                SessionResourceType,
                person.FindFirstValue(PersonClaimTypes.Person) ?? name,
                name,
                severity,
                $"{name} {text}.")
            {
                Category = Category,
                Status = status,
            };
            await recorder.RecordAsync(context, caller, grant.TenantId, recorded, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Records that <paramref name="caller"/> read <paramref name="resourceType"/> data of the tenant in the console.</summary>
    public Task RecordViewAsync(
        HttpContext context, AuditCaller caller, string resourceType, string resourceId, string description, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var viewed = new AdminAction(
            AuditActions.Read, StatusCodes.Status200OK, resourceType, resourceId, resourceId, AuditSeverity.Low, description)
        {
            Category = Category,
        };
        return recorder.RecordAsync(context, caller, caller.TenantId!, viewed, cancellationToken);
    }
}
