using System.Threading.RateLimiting;
using AuditKit.Server.Auth;
using Microsoft.AspNetCore.RateLimiting;

namespace AuditKit.Server.Hosting.RateLimiting;

/// <summary>
/// ASP.NET Core's rate limiter configured with the server's policies (<see cref="AuditKitRateLimitPolicies"/>):
/// token buckets per tenant for ingest and reads, concurrency limits per key (the policy) and per tenant (the global
/// limiter) for long reads, answered 429 with <c>Retry-After</c> and a problem body.
/// </summary>
internal static class AuditRateLimiting
{
    public static IServiceCollection AddAuditRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<AuditRateLimitOptions>()
            .BindConfiguration(AuditRateLimitOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuditRateLimitOptions>, AuditRateLimitOptionsValidator>();
        services.AddSingleton<FailedAuthenticationLimiter>();

        services.AddRateLimiter(static limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = static (context, _) => RejectAsync(context);
            limiter.AddPolicy(AuditKitRateLimitPolicies.Ingest, static context =>
                Bucket(context, AuditKitRateLimitPolicies.Ingest, static (o, tenant) => o.IngestFor(tenant), static o => o.Ingest));
            limiter.AddPolicy(AuditKitRateLimitPolicies.Read, static context =>
                Bucket(context, AuditKitRateLimitPolicies.Read, static (o, tenant) => o.ReadFor(tenant), static o => o.Read));
            limiter.AddPolicy(AuditKitRateLimitPolicies.LongRead, static context =>
            {
                var options = Options(context);
                if (!options.Enabled)
                {
                    return RateLimitPartition.GetNoLimiter(string.Empty);
                }

                var (key, tenant) = Caller(context);
                var permits = options.LongReadsPerKeyFor(tenant);
                return RateLimitPartition.GetConcurrencyLimiter(
                    $"long-read\nkey\n{key}", _ => new ConcurrencyLimiterOptions { PermitLimit = permits, QueueLimit = 0 });
            });

            // Chained before the endpoint's policy: the tenant-wide share of long reads, whichever key asks.
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(static context =>
            {
                var options = Options(context);
                if (!options.Enabled || PolicyOf(context) != AuditKitRateLimitPolicies.LongRead || Caller(context) is not (_, { } tenant))
                {
                    return RateLimitPartition.GetNoLimiter(string.Empty);
                }

                var permits = options.LongReadsPerTenantFor(tenant);
                return RateLimitPartition.GetConcurrencyLimiter(
                    $"long-read\ntenant\n{tenant}", _ => new ConcurrencyLimiterOptions { PermitLimit = permits, QueueLimit = 0 });
            });
        });
        return services;
    }

    /// <summary>Adds the failed-authentication limit (before authentication) to the pipeline.</summary>
    public static IApplicationBuilder UseFailedAuthenticationLimit(this IApplicationBuilder app) =>
        app.UseMiddleware<FailedAuthenticationLimiter>();

    /// <summary>Writes a 429 answer: <c>Retry-After</c> in whole seconds (at least 1) and a problem body saying which limit.</summary>
    internal static ValueTask WriteTooManyRequestsAsync(HttpContext context, RateLimitLease lease, string detail)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
            ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds))
            : 1;
        return RetryLaterProblem.WriteAsync(
            context, context.RequestServices.GetRequiredService<IProblemDetailsService>(), StatusCodes.Status429TooManyRequests, "Too many requests", detail,
            retryAfter, context.RequestAborted);
    }

    private static ValueTask RejectAsync(OnRejectedContext context) =>
        WriteTooManyRequestsAsync(context.HttpContext, context.Lease, PolicyOf(context.HttpContext) switch
        {
            AuditKitRateLimitPolicies.Ingest => "The tenant's ingest rate limit is reached (AuditKit:RateLimits:Ingest).",
            AuditKitRateLimitPolicies.LongRead =>
                "Too many exports or summaries are running for this API key or its tenant " +
                "(AuditKit:RateLimits:LongReadsPerKey, LongReadsPerTenant); wait for one to finish.",
            _ => "The tenant's read rate limit is reached (AuditKit:RateLimits:Read).",
        });

    private static RateLimitPartition<string> Bucket(
        HttpContext context, string policy, Func<AuditRateLimitOptions, string, AuditTokenBucket> forTenant, Func<AuditRateLimitOptions, AuditTokenBucket> fallback)
    {
        var options = Options(context);
        if (!options.Enabled)
        {
            return RateLimitPartition.GetNoLimiter(string.Empty);
        }

        // Keys bound to a tenant share its bucket; the bootstrap admin key (no tenant) has one of its own.
        var (key, tenant) = Caller(context);
        return tenant is null
            ? RateLimitPartition.Get($"{policy}\nkey\n{key}", _ => fallback(options).CreateLimiter())
            : RateLimitPartition.Get($"{policy}\ntenant\n{tenant}", _ => forTenant(options, tenant).CreateLimiter());
    }

    private static AuditRateLimitOptions Options(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<AuditRateLimitOptions>>().Value;

    private static string? PolicyOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;

    // Limited endpoints require a key, so the caller is known; an anonymous one is partitioned by its address.
    private static (string Key, string? Tenant) Caller(HttpContext context) =>
        context.User.FindFirst(AuditKitClaimTypes.KeyId)?.Value is { } keyId
            ? (keyId, context.User.FindFirst(AuditKitClaimTypes.Tenant)?.Value)
            : ("anonymous " + context.Connection.RemoteIpAddress, null);
}
