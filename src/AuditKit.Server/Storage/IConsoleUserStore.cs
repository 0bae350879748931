namespace AuditKit.Server.Storage;

/// <summary>The console's local users: names, password hashes, tenant grants and sign-in failure state.</summary>
internal interface IConsoleUserStore
{
    /// <summary>The user named <paramref name="username"/> (any case), or null.</summary>
    Task<ConsoleUserRecord?> FindAsync(string username, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new user in <paramref name="transaction"/> (that of the audit event recording it); false when the name
    /// is taken.
    /// </summary>
    Task<bool> CreateAsync(ConsoleUserRecord user, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Replaces the user's grants in <paramref name="transaction"/>; false when there is no such user.</summary>
    Task<bool> SetGrantsAsync(Guid userId, IReadOnlyList<string> grants, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>The users holding a grant in <paramref name="tenantId"/>, by name.</summary>
    Task<IReadOnlyList<ConsoleUserRecord>> ListAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one failed sign-in; once the count reaches <paramref name="maxFailures"/> the user is locked until
    /// <paramref name="lockUntil"/> and the count starts again. Returns the user as stored afterwards.
    /// </summary>
    Task<ConsoleUserRecord?> RecordFailureAsync(Guid userId, int maxFailures, DateTimeOffset lockUntil, CancellationToken cancellationToken);

    /// <summary>Clears the failure count and lock after a successful sign-in.</summary>
    Task ResetFailuresAsync(Guid userId, CancellationToken cancellationToken);
}

/// <summary>A console user: its password hash, its <c>tenant:role</c> grants and its sign-in failure state.</summary>
internal sealed record ConsoleUserRecord(
    Guid Id,
    string Username,
    string PasswordHash,
    IReadOnlyList<string> Grants,
    int FailedSignIns,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt);
