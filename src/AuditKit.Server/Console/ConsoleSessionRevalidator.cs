using System.Globalization;
using System.Security.Claims;
using AuditKit.Server.Auth;
using AuditKit.Server.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace AuditKit.Server.Console;

/// <summary>
/// Keeps an open session of a local console user in step with the store (as Identity's SecurityStampValidator does):
/// at most every <see cref="ConsoleSignInOptions.RevalidationInterval"/> the cookie's principal is compared with the
/// user's stored grants. Changed grants replace the principal (and renew the cookie); a user that no longer exists,
/// holds no grant or is locked loses the session. People signed in through the OpenID provider keep the grants of
/// their ID token until the session ends.
/// </summary>
internal sealed partial class ConsoleSessionRevalidator(
    IConsoleUserStore users,
    TimeProvider timeProvider,
    IOptions<ConsoleSignInOptions> options,
    ILogger<ConsoleSessionRevalidator> logger)
{
    /// <summary>The cookie's property holding when the grants were last read from the store (round-trip UTC).</summary>
    public const string ValidatedAtItem = "auditkit.validated_at";

    private const string LocalPrefix = "local:";

    /// <summary>The cookie handler's <see cref="CookieAuthenticationEvents.OnValidatePrincipal"/>.</summary>
    public static Task ValidateAsync(CookieValidatePrincipalContext context) =>
        context.HttpContext.RequestServices.GetRequiredService<ConsoleSessionRevalidator>().ValidatePrincipalAsync(context);

    public async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var personId = context.Principal?.FindFirstValue(PersonClaimTypes.Person);
        if (personId is null || !personId.StartsWith(LocalPrefix, StringComparison.Ordinal))
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        var validatedAt = ReadValidatedAt(context.Properties) ?? context.Properties.IssuedUtc ?? DateTimeOffset.MinValue;
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
            LogSessionEnded(logger, username, user is null ? "the user no longer exists" : locked ? "the user is locked" : "the user holds no role");
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(ConsoleAuthentication.CookieScheme);
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

    private static DateTimeOffset? ReadValidatedAt(AuthenticationProperties properties) =>
        properties.Items.TryGetValue(ValidatedAtItem, out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;

    [LoggerMessage(EventId = 313, Level = LogLevel.Warning, Message = "Console session of {Username} ended: {Reason}")]
    private static partial void LogSessionEnded(ILogger logger, string username, string reason);

    [LoggerMessage(EventId = 314, Level = LogLevel.Information, Message = "Console session of {Username} now holds the grants {Grants}")]
    private static partial void LogGrantsChanged(ILogger logger, string username, string grants);
}
