namespace AuditKit.Server.Console.Pages;

/// <summary>
/// <c>/console/{tenant}/overview</c>: the tenant's last 24 hours as charts — events per hour by severity, top actions,
/// top users and failed sign-ins — drawn server-side as inline SVG from the summary store call the
/// <c>/api/v1/audit-logs/summary</c> endpoint makes (then, at once: one per severity for the hourly stacks, but for the
/// most frequent severity, which is the hour's total less the others; and one with the failed-authentication filter
/// of <c>/failed-auth</c>).
/// </summary>
internal sealed class OverviewModel(IAuditEventStore store, ConsoleActivityRecorder activity, TimeProvider timeProvider) : ConsoleTenantPageModel
{
    /// <summary>How many actions and users the charts name.</summary>
    public const int Top = 10;

    public static readonly TimeSpan Range = TimeSpan.FromHours(24);

    public DateTimeOffset From { get; private set; }

    public DateTimeOffset To { get; private set; }

    public long Total { get; private set; }

    public IReadOnlyList<ConsoleHourBar> Hours { get; private set; } = [];

    public IReadOnlyList<ConsoleBar> TopActions { get; private set; } = [];

    public IReadOnlyList<ConsoleBar> TopUsers { get; private set; } = [];

    public long FailedSignIns { get; private set; }

    public IReadOnlyList<ConsoleBar> FailedSignInHours { get; private set; } = [];

    public IReadOnlyList<ConsoleBar> FailedSignInUsers { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        To = timeProvider.GetUtcNow();
        From = To - Range;
        var range = new AuditEventQuery { From = From, To = To, IncludeTotal = false };

        var all = await store.SummarizeAsync(TenantId, range, AuditTimeBucket.Hour, Top, cancellationToken);

        // The four severities split every hour's total, so the most frequent one is the total less the other three:
        // only the others (those with events in the range) are summarized again — without user and IP lists, so from
        // the hourly rollup alone — at once with the failed sign-ins.
        AuditSeverity[] severities = [AuditSeverity.Low, AuditSeverity.Medium, AuditSeverity.High, AuditSeverity.Critical];
        long Events(AuditSeverity severity) =>
            all.BySeverity.FirstOrDefault(c => string.Equals(c.Key, severity.ToString(), StringComparison.OrdinalIgnoreCase))?.Count ?? 0;
        var derived = severities.OrderByDescending(Events).First();
        var queried = severities.Where(s => s != derived && Events(s) > 0).ToList();
        var failedTask = store.SummarizeAsync(TenantId, range with { FailedAuthentication = true }, AuditTimeBucket.Hour, Top, cancellationToken);
        var severityTasks = queried.Select(s => store.SummarizeAsync(TenantId, range with { Severity = s }, AuditTimeBucket.Hour, 0, cancellationToken)).ToList();
        await Task.WhenAll([failedTask, .. severityTasks]);
        var failed = await failedTask;
        var bySeverity = new Dictionary<AuditSeverity, IReadOnlyList<AuditBucketCount>>();
        for (var i = 0; i < queried.Count; i++)
        {
            bySeverity[queried[i]] = (await severityTasks[i]).TimeBuckets;
        }

        long Count(AuditSeverity severity, AuditBucketCount hour) => severity == derived
            ? hour.Count - severities.Where(s => s != derived).Sum(s => Count(s, hour))
            : bySeverity.TryGetValue(severity, out var buckets) ? buckets.FirstOrDefault(b => b.Start == hour.Start)?.Count ?? 0 : 0;

        Total = all.Total;
        Hours = [.. all.TimeBuckets.Select(b => new ConsoleHourBar(
            b.Start, Count(AuditSeverity.Low, b), Count(AuditSeverity.Medium, b), Count(AuditSeverity.High, b), Count(AuditSeverity.Critical, b)))];
        TopActions = Bars(all.ByAction.OrderByDescending(static c => c.Count).ThenBy(static c => c.Key, StringComparer.Ordinal).Take(Top));
        TopUsers = Bars(all.TopUsers);
        FailedSignIns = failed.Total;
        FailedSignInHours = [.. failed.TimeBuckets.Select(static b => new ConsoleBar(Hour(b.Start), b.Count))];
        FailedSignInUsers = Bars(failed.TopUsers);

        await activity.RecordViewAsync(HttpContext, Caller, "AuditEvent", "summary", "Viewed the overview (last 24 hours) in the console.", cancellationToken);
        return Page();
    }

    /// <summary>An hour's label: <c>HH:00</c> UTC.</summary>
    public static string Hour(DateTimeOffset start) => start.UtcDateTime.ToString("HH':00'", System.Globalization.CultureInfo.InvariantCulture);

    private static List<ConsoleBar> Bars(IEnumerable<AuditCount> counts) =>
        [.. counts.Where(static c => c.Count > 0).Select(static c => new ConsoleBar(c.Key ?? "(none)", c.Count))];
}
