using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using AuditKit.Server.Auth;
using AuditKit.Server.Storage;

namespace AuditKit.Server.Admin;

/// <summary>
/// Records what the admin API does as audit events in the affected tenant, so a tenant's own log shows who created
/// it and every key issued for it (and, under their own category, other changes made through the API, such as alert
/// triage). The events never contain a key or its hash.
/// </summary>
internal sealed class AdminAuditRecorder(IAuditEventStore store, TimeProvider timeProvider)
{
    /// <summary>The <c>service_name</c> of events the server records about itself.</summary>
    public const string ServiceName = "auditkit-server";

    /// <summary>The <c>category</c> of admin events.</summary>
    public const string Category = "admin";

    private static readonly string? s_version = typeof(AdminAuditRecorder).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    /// <summary>
    /// Records an admin action on <paramref name="tenantId"/>, answered with <paramref name="statusCode"/>; when given,
    /// <paramref name="alongside"/> makes the action's change in the transaction that stores the record.
    /// </summary>
    public Task RecordAsync(
        HttpContext context,
        AuditCaller caller,
        string tenantId,
        string action,
        int statusCode,
        string resourceType,
        string resourceId,
        string resourceName,
        AuditSeverity severity,
        string description,
        JsonObject? oldValues,
        JsonObject? newValues,
        CancellationToken cancellationToken,
        AuditTransactionWork? alongside = null) =>
        RecordAsync(
            context, Category, caller, tenantId, action, statusCode, resourceType, resourceId, resourceName, severity, description,
            oldValues, newValues, cancellationToken, alongside);

    /// <summary>
    /// Records an action of the server's API on <paramref name="tenantId"/> under <paramref name="category"/>. When
    /// given, <paramref name="alongside"/> is the action's own change, made in the transaction that stores the record:
    /// both commit or neither does.
    /// </summary>
    public async Task RecordAsync(
        HttpContext context,
        string category,
        AuditCaller caller,
        string tenantId,
        string action,
        int statusCode,
        string resourceType,
        string resourceId,
        string resourceName,
        AuditSeverity severity,
        string description,
        JsonObject? oldValues,
        JsonObject? newValues,
        CancellationToken cancellationToken,
        AuditTransactionWork? alongside = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(caller);
        var now = timeProvider.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
        var request = context.Request;
        var auditEvent = new AuditEvent
        {
            Id = AuditEventIds.New(now),
            Timestamp = now,
            TenantId = tenantId,
            Source = AuditSources.Http,
            Action = action,
            Category = category,
            ResourceType = resourceType,
            ResourceId = resourceId,
            ResourceName = Bounded(resourceName, AuditEventLimits.ResourceName),
            UserId = caller.IsBootstrap ? "bootstrap-admin" : "api-key:" + caller.KeyId,
            Username = caller.KeyPrefix,
            Status = AuditStatus.Success,
            Severity = severity,
            ServiceName = ServiceName,
            ServiceVersion = Bounded(s_version, AuditEventLimits.ServiceVersion),
            Method = request.Method,
            Path = Bounded(request.Path.Value, AuditEventLimits.Path),
            Route = Bounded((context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText, AuditEventLimits.Route),
            StatusCode = statusCode,
            IpAddress = context.Connection.RemoteIpAddress?.ToString(),
            UserAgent = Bounded(request.Headers.UserAgent.ToString(), AuditEventLimits.UserAgent),
            RequestId = Bounded(context.TraceIdentifier, AuditEventLimits.RequestId),
            TraceId = Activity.Current?.TraceId.ToString(),
            Description = Bounded(description, AuditEventLimits.Description),
            OldValues = oldValues,
            NewValues = newValues,
        };
        if (alongside is null)
        {
            await store.InsertAsync(tenantId, [auditEvent], now, cancellationToken);
        }
        else
        {
            await store.InsertAsync(tenantId, [auditEvent], now, alongside, cancellationToken);
        }
    }

    private static string? Bounded(string? value, int max) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= max ? value : value[..max];
}
