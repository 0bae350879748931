using Microsoft.AspNetCore.Identity;

namespace AuditKit.Server.Auth;

/// <summary>
/// Checks a console user's name and password: ASP.NET Core Identity's password hash, and a lock after
/// <see cref="ConsoleSignInOptions.MaxFailedSignIns"/> failures in a row that lasts
/// <see cref="ConsoleSignInOptions.LockoutDuration"/>.
/// </summary>
internal sealed class ConsoleUserSignIn(IConsoleUserStore users, TimeProvider timeProvider, IOptions<ConsoleSignInOptions> options)
{
    private static readonly PasswordHasher<ConsoleUserRecord> s_hasher = new();

    // Verified when the name is unknown, so an unknown name costs what a wrong password does.
    private static readonly Lazy<string> s_decoyHash = new(static () => s_hasher.HashPassword(null!, "decoy-password-never-matches"));

    /// <summary>The stored hash of <paramref name="password"/>.</summary>
    public static string HashPassword(string password) => s_hasher.HashPassword(null!, password);

    public async Task<ConsoleSignInResult> SignInAsync(string username, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
        var user = await users.FindAsync(username, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            s_hasher.VerifyHashedPassword(null!, s_decoyHash.Value, password);
            return new ConsoleSignInResult(ConsoleSignInOutcome.Failed, null);
        }

        var now = timeProvider.GetUtcNow();
        if (user.LockedUntil is { } lockedUntil && lockedUntil > now)
        {
            return new ConsoleSignInResult(ConsoleSignInOutcome.LockedOut, user);
        }

        if (s_hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            var settings = options.Value;
            var after = await users.RecordFailureAsync(user.Id, settings.MaxFailedSignIns, now + settings.LockoutDuration, cancellationToken).ConfigureAwait(false);
            var locked = after?.LockedUntil is { } until && until > now;
            return new ConsoleSignInResult(locked ? ConsoleSignInOutcome.LockedOut : ConsoleSignInOutcome.Failed, after ?? user);
        }

        await users.ResetFailuresAsync(user.Id, cancellationToken).ConfigureAwait(false);
        return new ConsoleSignInResult(ConsoleSignInOutcome.Succeeded, user);
    }
}

/// <summary>How a sign-in ended.</summary>
internal enum ConsoleSignInOutcome
{
    Succeeded,
    Failed,
    LockedOut,
}

/// <summary>The outcome and, when the name is known, the user.</summary>
internal sealed record ConsoleSignInResult(ConsoleSignInOutcome Outcome, ConsoleUserRecord? User);
