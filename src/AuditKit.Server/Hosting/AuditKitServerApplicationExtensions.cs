using AuditKit.Server.Admin;
using AuditKit.Server.Alerts;
using AuditKit.Server.AuditLogs;
using AuditKit.Server.Auth;
using AuditKit.Server.Console;
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

        // Problem details for unhandled exceptions and for bodiless error statuses (404 of an unknown route, 405).
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestDecompression();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAuditConsole();

        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = static _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = static c => c.Tags.Contains(AuditStoreHealthCheck.ReadyTag) });
        app.MapOpenApi();
        app.MapScalarApiReference(static options => options.WithTitle("AuditKit server"));
        app.MapGet("/", static () => TypedResults.Redirect("/scalar")).ExcludeFromDescription();

        app.MapAuditLogEndpoints();
        app.MapAdminEndpoints();
        app.MapAlertEndpoints();
        app.MapWebhookEndpoints();
        app.MapAuditConsole();
        return app;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "No bootstrap admin key is configured (AuditKit:BootstrapAdminKey): tenants and keys cannot be created until one is set.")]
    private static partial void LogNoBootstrapKey(ILogger logger);
}
