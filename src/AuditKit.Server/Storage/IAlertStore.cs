namespace AuditKit.Server.Storage;

/// <summary>
/// A tenant's alerts as the alert endpoints and the webhook dispatcher read and triage them. Every method takes the
/// tenant: another tenant's alert is never found.
/// </summary>
internal interface IAlertStore
{
    /// <summary>
    /// One page of the alerts matching <paramref name="query"/>, newest last_seen first (or most severe first, see
    /// <see cref="AlertQuery.SeverityFirst"/>), and how many match in all.
    /// </summary>
    Task<(IReadOnlyList<AlertRow> Items, long Total)> ListAsync(string tenantId, AlertQuery query, CancellationToken cancellationToken);

    Task<AlertRow?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Moves an alert from <paramref name="current"/> to <paramref name="target"/>, recording who, when and the note, in
    /// <paramref name="transaction"/> (the one that stores the audit event recording the change). False, with nothing
    /// changed, when the alert is no longer in <paramref name="current"/>: of concurrent changes of one alert, exactly
    /// one wins.
    /// </summary>
    Task<bool> ChangeStatusAsync(
        DbTransaction transaction, string tenantId, Guid id, AlertStatus current, AlertStatus target, string by, string? note,
        DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// For each of <paramref name="patterns"/>, the keys whose events of its kind in [<paramref name="from"/>,
    /// <paramref name="to"/>) reach its threshold, most events first, at most <paramref name="limit"/> of them.
    /// </summary>
    Task<IReadOnlyList<SuspiciousPattern>> PatternsAsync(
        string tenantId, IReadOnlyList<SuspiciousPatternQuery> patterns, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken);
}

/// <summary>One kind of suspicious pattern to look for: its name and key type as reported, which events, and the threshold.</summary>
internal sealed record SuspiciousPatternQuery(string Pattern, string KeyType, SuspiciousPatternKind Kind, int Threshold);

/// <summary>Which events a suspicious pattern counts, and by which key.</summary>
internal enum SuspiciousPatternKind
{
    /// <summary>Failed logins by IP (distinct: users).</summary>
    FailedLoginsByIp,

    /// <summary>Failed logins by user (distinct: IPs).</summary>
    FailedLoginsByUser,

    /// <summary>CRITICAL events by user (distinct: IPs).</summary>
    CriticalEventsByUser,

    /// <summary>Deletes by user (distinct: IPs).</summary>
    DeletesByUser,

    /// <summary>Exports by user (distinct: IPs).</summary>
    ExportsByUser,
}
