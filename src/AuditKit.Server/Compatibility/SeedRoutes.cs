using AuditKit.Server.Auth;

namespace AuditKit.Server.Compatibility;

/// <summary>Who may call a seed's route and how often, with its OpenAPI name and summary: the native routes' policies.</summary>
internal static class SeedRoutes
{
    /// <summary>A route that stores events: the ingest policy and rate limit.</summary>
    public static RouteHandlerBuilder Ingests(this RouteHandlerBuilder route, string name, string summary) =>
        route.Named(AuditKitPolicies.Ingest, AuditKitRateLimitPolicies.Ingest, name, summary);

    /// <summary>A route that reads events: the read policy and <paramref name="rateLimit"/> (the read rate limit unless told).</summary>
    public static RouteHandlerBuilder Reads(
        this RouteHandlerBuilder route, string name, string summary, string rateLimit = AuditKitRateLimitPolicies.Read) =>
        route.Named(AuditKitPolicies.Read, rateLimit, name, summary);

    private static RouteHandlerBuilder Named(this RouteHandlerBuilder route, string policy, string rateLimit, string name, string summary) =>
        route.RequireAuthorization(policy).RequireRateLimiting(rateLimit).WithName(name).WithSummary(summary);
}
