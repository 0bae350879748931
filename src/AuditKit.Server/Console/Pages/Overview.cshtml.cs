using AuditKit.Server.Storage;
using Microsoft.AspNetCore.Mvc;

namespace AuditKit.Server.Console.Pages;

/// <summary>
/// <c>/console/{tenant}/overview</c>: the tenant's last 24 hours as charts — events per hour by severity, top actions,
/// top users and failed sign-ins — drawn server-side as inline SVG from the summary store call the
/// <c>/api/v1/audit-logs/summary</c> endpoint makes (one per severity for the hourly stacks, and one with the
/// failed-authentication filter of <c>/failed-auth</c>).
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
        var bySeverity = new Dictionary<AuditSeverity, IReadOnlyList<AuditBucketCount>>();
        foreach (var severity in (AuditSeverity[])[AuditSeverity.Low, AuditSeverity.Medium, AuditSeverity.High, AuditSeverity.Critical])
        {
            // Severities with no event in the range need no query: every hour of theirs is 0.
            bySeverity[severity] = all.BySeverity.Any(c => c.Count > 0 && string.Equals(c.Key, severity.ToString(), StringComparison.OrdinalIgnoreCase))
                ? (await store.SummarizeAsync(TenantId, range with { Severity = severity }, AuditTimeBucket.Hour, 1, cancellationToken)).Buckets
                : [];
        }

        var failed = await store.SummarizeAsync(TenantId, range with { FailedAuthentication = true }, AuditTimeBucket.Hour, Top, cancellationToken);

        Total = all.Total;
        Hours = [.. all.Buckets.Select(b => new ConsoleHourBar(
            b.Start,
            Count(bySeverity[AuditSeverity.Low], b.Start),
            Count(bySeverity[AuditSeverity.Medium], b.Start),
            Count(bySeverity[AuditSeverity.High], b.Start),
            Count(bySeverity[AuditSeverity.Critical], b.Start)))];
        TopActions = Bars(all.ByAction.OrderByDescending(static c => c.Count).ThenBy(static c => c.Key, StringComparer.Ordinal).Take(Top));
        TopUsers = Bars(all.TopUsers);
        FailedSignIns = failed.Total;
        FailedSignInHours = [.. failed.Buckets.Select(static b => new ConsoleBar(Hour(b.Start), b.Count))];
        FailedSignInUsers = Bars(failed.TopUsers);

        await activity.RecordViewAsync(HttpContext, Caller, "AuditEvent", "summary", "Viewed the overview (last 24 hours) in the console.", cancellationToken);
        return Page();
    }

    /// <summary>An hour's label: <c>HH:00</c> UTC.</summary>
    public static string Hour(DateTimeOffset start) => start.UtcDateTime.ToString("HH':00'", System.Globalization.CultureInfo.InvariantCulture);

    private static long Count(IReadOnlyList<AuditBucketCount> buckets, DateTimeOffset start) =>
        buckets.FirstOrDefault(b => b.Start == start)?.Count ?? 0;

    private static List<ConsoleBar> Bars(IEnumerable<AuditCount> counts) =>
        [.. counts.Where(static c => c.Count > 0).Select(static c => new ConsoleBar(c.Key ?? "(none)", c.Count))];
}
