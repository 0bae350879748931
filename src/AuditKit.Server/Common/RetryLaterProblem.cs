namespace AuditKit.Server.Common;

/// <summary>The answer that tells a client to come back later: 503 while the store is away, 429 at a rate limit.</summary>
internal static class RetryLaterProblem
{
    /// <summary>
    /// Answers <paramref name="status"/> with <c>Retry-After</c> (<paramref name="retryAfterSeconds"/>) and a problem body
    /// whose detail is <paramref name="detail"/> followed by when to retry, written by <paramref name="problems"/> (or as
    /// problem JSON when it writes nothing). The problem context carries no exception, so nothing of one reaches the
    /// client, in any environment.
    /// </summary>
    public static async ValueTask WriteAsync(
        HttpContext context, IProblemDetailsService problems, int status, string title, string detail, int retryAfterSeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(problems);
        var response = context.Response;
        response.StatusCode = status;
        response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = $"{detail} Retry after {retryAfterSeconds} s.",
        };
        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            await response.WriteAsJsonAsync(problem, ProblemJsonContext.Default.ProblemDetails, "application/problem+json", cancellationToken);
        }
    }
}
