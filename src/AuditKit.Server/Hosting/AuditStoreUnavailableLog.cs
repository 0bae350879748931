namespace AuditKit.Server.Hosting;

/// <summary>
/// The warning that the audit store is unavailable, at most once per <see cref="Interval"/> per process: an outage
/// answered thousands of requests would otherwise log thousands of stack traces. The next line counts the requests
/// answered 503 since the previous one.
/// </summary>
internal sealed partial class AuditStoreUnavailableLog(TimeProvider time, ILogger<AuditStoreUnavailableLog> logger)
{
    /// <summary>The least time between two warnings.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private DateTimeOffset _nextAt = DateTimeOffset.MinValue;
    private long _suppressed;

    /// <summary>Records one request answered 503; logs a warning when none was logged in the last <see cref="Interval"/>.</summary>
    public void Report(string method, string path, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        long suppressed;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (now < _nextAt)
            {
                _suppressed++;
                return;
            }

            _nextAt = now + Interval;
            suppressed = _suppressed;
            _suppressed = 0;
        }

        // The exception's type and message say what failed (refused, pool exhausted, shut down); its stack says nothing more.
        LogUnavailable(logger, method, path, exception.GetType().Name, exception.Message, suppressed, Interval.TotalSeconds);
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning,
        Message = "The audit store is unavailable: {Method} {Path} answered 503 ({ExceptionType}: {ExceptionMessage}). " +
            "{Suppressed} more requests were answered 503 since the previous warning; at most one warning per {IntervalSeconds} s.")]
    private static partial void LogUnavailable(
        ILogger logger, string method, string path, string exceptionType, string exceptionMessage, long suppressed, double intervalSeconds);
}
