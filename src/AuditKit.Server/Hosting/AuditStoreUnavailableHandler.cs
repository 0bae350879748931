using Microsoft.AspNetCore.Diagnostics;

namespace AuditKit.Server.Hosting;

/// <summary>
/// Answers a request that failed because the database is away or saturated (see
/// <see cref="AuditStoreUnavailable.IsUnavailable"/>) with 503, <c>Retry-After</c> and a problem body without
/// exception details, and reports it through <see cref="AuditStoreUnavailableLog"/> (one line per interval, not one
/// stack trace per request). Every other exception is left to the default handler (500).
/// </summary>
internal sealed class AuditStoreUnavailableHandler(IProblemDetailsService problemDetails, AuditStoreUnavailableLog log) : IExceptionHandler
{
    /// <summary>How long clients are told to wait before retrying.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!AuditStoreUnavailable.IsUnavailable(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        log.Report(httpContext.Request.Method, httpContext.Request.Path, exception);
        await RetryLaterProblem.WriteAsync(
            httpContext, problemDetails, StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The audit store is unavailable.", RetryAfterSeconds,
            cancellationToken);
        return true;
    }
}
