using AuditKit.Server.Admin;
using AuditKit.Server.Alerts;
using AuditKit.Server.AuditLogs;
using AuditKit.Server.Auth;
using AuditKit.Server.Compatibility;
using AuditKit.Server.Console;
using AuditKit.Server.Integrity;
using AuditKit.Server.Hosting.RateLimiting;
using AuditKit.Server.Webhooks;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Scalar.AspNetCore;

namespace AuditKit.Server.Hosting;

/// <summary>The server's request pipeline and endpoints.</summary>
internal static partial class AuditKitServerApplicationExtensions
{
    public static WebApplication UseAuditKitServer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var bootstrap = app.Services.GetRequiredService<BootstrapAdminKey>();
        if (!bootstrap.IsConfigured)
        {
            LogNoBootstrapKey(app.Logger);
        }

        // First, so everything after it (admin records, per-IP limits) sees the client address a known proxy forwarded.
        if (app.Services.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value.IsEnabled)
        {
            app.UseForwardedHeaders();
        }

        // Problem details for unhandled exceptions (503 when the database is away, see AuditStoreUnavailableHandler)
        // and for bodiless error statuses (404 of an unknown route, 405).
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestDecompression();

        // Before authentication, so that an address over its failed-authentication limit costs no key lookup; the
        // request limits after authorization, since they are partitioned by the caller's key and tenant.
        app.UseFailedAuthenticationLimit();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAuditConsole();

        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = static _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = static c => c.Tags.Contains(AuditStoreHealthCheck.ReadyTag) });
        if (app.Services.GetRequiredService<IOptions<ApiReferenceSettings>>().Value.Enabled ?? !app.Environment.IsProduction())
        {
            app.MapOpenApi();
            app.MapScalarApiReference(static options => options.WithTitle("AuditKit server"));
            app.MapGet("/", static () => TypedResults.Redirect("/scalar")).ExcludeFromDescription();
        }

        app.MapAuditLogEndpoints();
        app.MapAdminEndpoints();
        app.MapAlertEndpoints();
        app.MapWebhookEndpoints();
        app.MapIntegrityEndpoints();
        app.MapAuditConsole();
        app.MapSeed001Endpoints();
        app.MapSeed003Endpoints();
        return app;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "No bootstrap admin key is configured (AuditKit:BootstrapAdminKey): tenants and keys cannot be created until one is set.")]
    private static partial void LogNoBootstrapKey(ILogger logger);
}
