namespace AuditKit.Server.Detection;

/// <summary>
/// The evaluation every plain count rule shares (at least N events of a key within a window): a fast path for keys
/// whose unresolved alert the pass only extends, and the exact window search for the rest.
/// </summary>
internal static class CountWindow
{
    /// <summary>
    /// Evaluates one count rule over the keys of the pass's new events (<paramref name="newByKey"/>: each key's new
    /// events the rule considers) and reports the matches.
    /// </summary>
    /// <remarks>
    /// Fast path: when a key already has an unresolved alert, all its new events are later than the alert's last_seen
    /// and no window holding them can reach back before the alert's first_seen, the span can only grow at its end:
    /// if the window ending at the key's latest new event holds the threshold (a scan that stops there), the match is
    /// (the alert's first_seen, that event). Otherwise — no alert yet, late events, or a thinning key — the key's
    /// events around the new ones are read and every window is examined.
    /// </remarks>
    public static async Task EvaluateAsync(
        DetectionPass pass,
        CountRuleSettings settings,
        string rule,
        string keyType,
        StoredEventFilter filter,
        IReadOnlyDictionary<string, List<DetectionEvent>> newByKey,
        Func<string, AlertMatchTemplate> template,
        CancellationToken cancellationToken)
    {
        if (newByKey.Count == 0)
        {
            return;
        }

        var open = await pass.ReadUnresolvedAsync(rule, keyType, [.. newByKey.Keys], cancellationToken).ConfigureAwait(false);
        var fast = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var (key, events) in newByKey)
        {
            var earliest = events.Min(static e => e.Timestamp);
            if (open.TryGetValue(key, out var alert) && earliest > alert.LastSeen && earliest - settings.Window >= alert.FirstSeen)
            {
                fast[key] = events.Max(static e => e.Timestamp);
            }
        }

        var dense = fast.Count == 0
            ? []
            : await pass.DenseAsync(
                filter, fast.ToDictionary(static f => f.Key, f => (f.Value - settings.Window, f.Value), StringComparer.Ordinal),
                settings.Threshold, cancellationToken).ConfigureAwait(false);
        foreach (var key in dense)
        {
            Report(pass, template(key), key, open[key].FirstSeen, fast[key], newByKey[key]);
        }

        // Only keys with at least the threshold of events anywhere around their new ones can match: find those with a
        // bounded count before reading any key's events.
        var ranges = newByKey.Where(k => !dense.Contains(k.Key)).ToDictionary(
            static k => k.Key,
            k => (k.Value.Min(static e => e.Timestamp) - settings.Window, k.Value.Max(static e => e.Timestamp) + settings.Window),
            StringComparer.Ordinal);
        if (ranges.Count == 0)
        {
            return;
        }

        var slow = await pass.DenseAsync(filter, ranges, settings.Threshold, cancellationToken).ConfigureAwait(false);
        if (slow.Count == 0)
        {
            return;
        }

        var relevant = slow.SelectMany(k => newByKey[k]).ToList();
        var rows = await pass.ReadRowsAsync(
            filter, slow,
            relevant.Min(static e => e.Timestamp) - settings.Window, relevant.Max(static e => e.Timestamp) + settings.Window, cancellationToken).ConfigureAwait(false);
        foreach (var (key, events) in rows)
        {
            if (SlidingWindow.Find([.. events.Select(static r => r.ToWindow())], settings.Window, settings.Threshold, distinct: false) is { } match)
            {
                Report(pass, template(key), key, match.First, match.Last, newByKey[key]);
            }
        }
    }

    private static void Report(DetectionPass pass, AlertMatchTemplate t, string key, DateTimeOffset first, DateTimeOffset last, List<DetectionEvent> news) =>
        pass.Report(new AlertMatch(t.Rule, t.KeyType, key, t.Severity, first, last, t.Details, t.Tally, news.Min(static e => e.Timestamp)));
}

