namespace AuditKit.Server.Detection;

/// <summary>
/// One evaluation of a tenant's newly stored events: the stored state it reads and writes (in one transaction holding
/// the tenant's detection lock), the tenant's thresholds, the events, and the matches the rules report.
/// </summary>
internal sealed class DetectionPass(
    DetectionSession store,
    DetectionRuleSettings settings,
    IReadOnlyList<DetectionEvent> events,
    DateTimeOffset now)
{
    private readonly HashSet<Guid> _newIds = [.. events.Select(static e => e.Id)];
    private readonly List<AlertMatch> _matches = [];
    private List<Action>? _afterCommit;

    /// <summary>The stored state of the pass, in its transaction.</summary>
    public DetectionSession Store { get; } = store;
    public string TenantId => Store.TenantId;
    public DetectionRuleSettings Settings { get; } = settings;
    public IReadOnlyList<DetectionEvent> Events { get; } = events;
    public DateTimeOffset Now { get; } = now;
    public IReadOnlyList<AlertMatch> Matches => _matches;

    /// <summary>The pass's transaction, for the work other slices do with newly raised alerts in it.</summary>
    public DbTransaction Transaction => Store.Transaction;

    /// <summary>Whether the event with <paramref name="id"/> is one of this pass's newly stored events.</summary>
    public bool IsNew(Guid id) => _newIds.Contains(id);

    public void Report(AlertMatch match) => _matches.Add(match);

    /// <summary>
    /// Runs <paramref name="action"/> once the pass has committed, and never if it rolls back: what a rule remembers
    /// about the stored state must not get ahead of it (a failed pass is evaluated again).
    /// </summary>
    public void AfterCommit(Action action) => (_afterCommit ??= []).Add(action);

    /// <summary>Called once the pass's transaction has committed.</summary>
    public void Committed()
    {
        foreach (var action in _afterCommit ?? [])
        {
            action();
        }
    }

    /// <summary>
    /// The stored events of <paramref name="filter"/> for the keys in <paramref name="keys"/>, with timestamps between
    /// <paramref name="from"/> and <paramref name="to"/>, sorted by key, timestamp and id.
    /// </summary>
    public Task<Dictionary<string, List<StoredRow>>> ReadRowsAsync(
        StoredEventFilter filter, IReadOnlyCollection<string> keys, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Store.ReadRowsAsync(filter, keys, from, to, IsNew, cancellationToken);

    /// <summary>The unresolved alerts of <paramref name="rule"/> for <paramref name="keys"/>: key → (first_seen, last_seen).</summary>
    public Task<Dictionary<string, (DateTimeOffset FirstSeen, DateTimeOffset LastSeen)>> ReadUnresolvedAsync(
        string rule, string keyType, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        Store.ReadUnresolvedAsync(rule, keyType, keys, cancellationToken);

    /// <summary>The keys whose range [lo, hi] holds at least <paramref name="threshold"/> stored events of <paramref name="filter"/>.</summary>
    public Task<HashSet<string>> DenseAsync(
        StoredEventFilter filter, IReadOnlyDictionary<string, (DateTimeOffset Lo, DateTimeOffset Hi)> ranges, int threshold, CancellationToken cancellationToken) =>
        Store.DenseAsync(filter, ranges, threshold, cancellationToken);
}
