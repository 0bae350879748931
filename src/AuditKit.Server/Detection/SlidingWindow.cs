namespace AuditKit.Server.Detection;

/// <summary>
/// Finds the windows of at most a given length (by event time, both ends inclusive) that hold at least a threshold
/// of events — or of distinct values — and at least one newly stored event. Only windows with a new event count, so
/// a pass never re-raises what earlier passes already saw (for instance after an alert was resolved).
/// </summary>
internal static class SlidingWindow
{
    /// <param name="events">One key's events, sorted by timestamp then id.</param>
    /// <param name="window">The longest span a window may cover.</param>
    /// <param name="threshold">The least count that matches.</param>
    /// <param name="distinct">Count distinct <see cref="WindowEvent.Value"/>s instead of events.</param>
    /// <returns>The union of the matching windows, or null when none matches.</returns>
    public static WindowMatch? Find(IReadOnlyList<WindowEvent> events, TimeSpan window, int threshold, bool distinct)
    {
        ArgumentNullException.ThrowIfNull(events);
        var values = distinct ? new Dictionary<string, int>(StringComparer.Ordinal) : null;
        var start = 0;
        var newInWindow = 0;
        DateTimeOffset? first = null;
        DateTimeOffset last = default;
        var peak = 0;
        for (var end = 0; end < events.Count; end++)
        {
            var current = events[end];
            Add(current);
            while (current.Timestamp - events[start].Timestamp > window)
            {
                Remove(events[start]);
                start++;
            }

            var count = values?.Count ?? (end - start + 1);
            if (count >= threshold && newInWindow > 0)
            {
                // The window ending here is the widest one that does: every smaller window inside it is covered.
                first = first is { } f && f <= events[start].Timestamp ? f : events[start].Timestamp;
                last = current.Timestamp;
                peak = Math.Max(peak, count);
            }
        }

        return first is { } firstSeen ? new WindowMatch(firstSeen, last, peak) : null;

        void Add(WindowEvent e)
        {
            if (e.IsNew)
            {
                newInWindow++;
            }

            if (values is not null && e.Value is { } value)
            {
                values[value] = values.GetValueOrDefault(value) + 1;
            }
        }

        void Remove(WindowEvent e)
        {
            if (e.IsNew)
            {
                newInWindow--;
            }

            if (values is not null && e.Value is { } value && --values[value] == 0)
            {
                values.Remove(value);
            }
        }
    }
}
