namespace AuditKit.Server.Storage;

/// <summary>Console users through the EF Core model, on whichever provider is configured.</summary>
internal sealed class ConsoleUserStore(IDbContextFactory<AuditDbContext> contexts) : IConsoleUserStore
{
    public async Task<ConsoleUserRecord?> FindAsync(string username, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(username);
        var name = Normalize(username);
        await using var db = await contexts.CreateDbContextAsync(StorageScope.System, cancellationToken).ConfigureAwait(false);
        var row = await db.Set<ConsoleUserRow>().AsNoTracking().FirstOrDefaultAsync(u => u.Username == name, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToRecord(row);
    }

    public async Task<bool> CreateAsync(ConsoleUserRecord user, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(transaction);
        var name = Normalize(user.Username);
        await using var db = await contexts.CreateDbContextAsync(StorageScope.System, transaction, cancellationToken).ConfigureAwait(false);
        if (await db.Set<ConsoleUserRow>().AnyAsync(u => u.Username == name, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        db.Add(new ConsoleUserRow
        {
            Id = user.Id,
            Username = name,
            PasswordHash = user.PasswordHash,
            Grants = JsonSerializer.Serialize([.. user.Grants], AuditStorageJsonContext.Stored.ListString),
            FailedSignIns = 0,
            LockedUntil = null,
            CreatedAt = AuditEventRow.ToStoredTime(user.CreatedAt),
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> SetGrantsAsync(Guid userId, IReadOnlyList<string> grants, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grants);
        ArgumentNullException.ThrowIfNull(transaction);
        var stored = JsonSerializer.Serialize([.. grants], AuditStorageJsonContext.Stored.ListString);
        await using var db = await contexts.CreateDbContextAsync(StorageScope.System, transaction, cancellationToken).ConfigureAwait(false);
        return await db.Set<ConsoleUserRow>().Where(u => u.Id == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Grants, stored), cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<IReadOnlyList<ConsoleUserRecord>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        await using var db = await contexts.CreateDbContextAsync(StorageScope.System, cancellationToken).ConfigureAwait(false);

        // The table is small (people, not events) and the grants are a JSON array on both providers: filtered here.
        var rows = await db.Set<ConsoleUserRow>().AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        var prefix = tenantId + ":";
        return [.. rows.Select(ToRecord)
            .Where(u => u.Grants.Any(g => g.StartsWith(prefix, StringComparison.Ordinal)))
            .OrderBy(u => u.Username, StringComparer.Ordinal)];
    }

    public async Task<ConsoleUserRecord?> RecordFailureAsync(Guid userId, int maxFailures, DateTimeOffset lockUntil, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(StorageScope.System, cancellationToken).ConfigureAwait(false);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Set<ConsoleUserRow>().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        row.FailedSignIns++;
        if (row.FailedSignIns >= maxFailures)
        {
            row.FailedSignIns = 0;
            row.LockedUntil = AuditEventRow.ToStoredTime(lockUntil);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ToRecord(row);
    }

    public async Task ResetFailuresAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(StorageScope.System, cancellationToken).ConfigureAwait(false);
        await db.Set<ConsoleUserRow>().Where(u => u.Id == userId && (u.FailedSignIns != 0 || u.LockedUntil != null))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedSignIns, 0).SetProperty(u => u.LockedUntil, (DateTimeOffset?)null), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The stored form of a sign-in name.</summary>
    public static string Normalize(string username) => username.Trim().ToLowerInvariant();

    private static ConsoleUserRecord ToRecord(ConsoleUserRow row) => new(
        row.Id,
        row.Username,
        row.PasswordHash,
        JsonSerializer.Deserialize(row.Grants, AuditStorageJsonContext.Stored.ListString) ?? [],
        row.FailedSignIns,
        row.LockedUntil,
        row.CreatedAt);
}
