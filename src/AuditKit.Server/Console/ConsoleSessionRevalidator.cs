using System.Security.Claims;
using AuditKit.Server.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AuditKit.Server.Console;

/// <summary>
/// Keeps an open session of a local console user in step with the store (as Identity's SecurityStampValidator does):
/// at most every <see cref="ConsoleSignInOptions.RevalidationInterval"/> the cookie's principal is compared with the
/// user's stored grants. Changed grants replace the principal (and renew the cookie); a user that no longer exists,
/// holds no grant or is locked loses the session. A person signed in through the OpenID provider holds the grants of
/// their ID token, which the provider owns: the session ends when that token expires (<see cref="ProviderExpiresAtItem"/>),
/// and the next sign-in at the provider brings the grants it holds then.
/// </summary>
internal sealed partial class ConsoleSessionRevalidator(
    IConsoleUserStore users,
    TimeProvider timeProvider,
    IOptions<ConsoleSignInOptions> options,
    ILogger<ConsoleSessionRevalidator> logger)
{
    /// <summary>The cookie's property holding when the grants were last read from the store (round-trip UTC).</summary>
    public const string ValidatedAtItem = "auditkit.validated_at";

    /// <summary>The cookie's property holding when the provider's ID token expires (round-trip UTC).</summary>
    public const string ProviderExpiresAtItem = "auditkit.provider_expires_at";

    private const string LocalPrefix = "local:";
    private const string ProviderPrefix = "oidc:";

    /// <summary>The cookie handler's <see cref="CookieAuthenticationEvents.OnValidatePrincipal"/>.</summary>
    public static Task ValidateAsync(CookieValidatePrincipalContext context) =>
        context.HttpContext.RequestServices.GetRequiredService<ConsoleSessionRevalidator>().ValidatePrincipalAsync(context);

    public async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var personId = context.Principal?.FindFirstValue(PersonClaimTypes.Person);
        if (personId is null)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        if (personId.StartsWith(ProviderPrefix, StringComparison.Ordinal))
        {
            // A session without the token's expiry (one issued before it was recorded) is ended too: fail closed.
            if (ReadTime(context.Properties, ProviderExpiresAtItem) is not { } expiresAt || now >= expiresAt)
            {
                await EndAsync(context, personId, "the provider's ID token expired; the grants are read again at the next sign-in");
            }

            return;
        }

        if (!personId.StartsWith(LocalPrefix, StringComparison.Ordinal))
        {
            return;
        }

        var validatedAt = ReadTime(context.Properties, ValidatedAtItem) ?? context.Properties.IssuedUtc ?? DateTimeOffset.MinValue;
        var interval = options.Value.RevalidationInterval;
        if (interval > TimeSpan.Zero && now - validatedAt < interval)
        {
            return;
        }

        var username = personId[LocalPrefix.Length..];
        var user = await users.FindAsync(username, context.HttpContext.RequestAborted);
        var grants = user?.Grants.Select(static g => PersonGrant.TryParse(g, out var parsed) ? parsed : null).OfType<PersonGrant>().Distinct().ToList() ?? [];
        var locked = user?.LockedUntil is { } until && until > now;
        if (user is null || grants.Count == 0 || locked)
        {
            await EndAsync(context, username, user is null ? "the user no longer exists" : locked ? "the user is locked" : "the user holds no role");
            return;
        }

        var held = context.Principal!.FindAll(PersonClaimTypes.Grant).Select(static c => c.Value).ToHashSet(StringComparer.Ordinal);
        if (!held.SetEquals(grants.Select(static g => g.ToString())))
        {
            LogGrantsChanged(logger, username, string.Join(' ', grants));
            context.ReplacePrincipal(PersonPrincipal.Create(personId, user.Username, grants, ConsoleAuthentication.CookieScheme));
        }

        // Stamp the check into the cookie so the next one waits for the interval (the cookie is reissued).
        context.Properties.Items[ValidatedAtItem] = now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        context.ShouldRenew = true;
    }

    /// <summary>
    /// Records in the session's properties when the ID token the provider vouched with expires (its <c>exp</c>), for
    /// <see cref="ValidatePrincipalAsync"/>; called when the token is validated, before its identity is mapped.
    /// </summary>
    public static void StampProviderExpiry(AuthenticationProperties properties, ClaimsPrincipal idToken)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(idToken);
        if (long.TryParse(idToken.FindFirstValue("exp"), NumberStyles.None, CultureInfo.InvariantCulture, out var exp)
            && exp <= DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            properties.Items[ProviderExpiresAtItem] = DateTimeOffset.FromUnixTimeSeconds(exp).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        }
    }

    private async Task EndAsync(CookieValidatePrincipalContext context, string who, string reason)
    {
        LogSessionEnded(logger, who, reason);
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(ConsoleAuthentication.CookieScheme);
    }

    private static DateTimeOffset? ReadTime(AuthenticationProperties properties, string item) =>
        properties.Items.TryGetValue(item, out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;

    [LoggerMessage(EventId = 313, Level = LogLevel.Warning, Message = "Console session of {Username} ended: {Reason}")]
    private static partial void LogSessionEnded(ILogger logger, string username, string reason);

    [LoggerMessage(EventId = 314, Level = LogLevel.Information, Message = "Console session of {Username} now holds the grants {Grants}")]
    private static partial void LogGrantsChanged(ILogger logger, string username, string grants);
}
