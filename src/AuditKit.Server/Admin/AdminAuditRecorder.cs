using System.Diagnostics;
using System.Reflection;
using AuditKit.Server.Auth;

namespace AuditKit.Server.Admin;

/// <summary>
/// Records what the admin API does as audit events in the affected tenant, so a tenant's own log shows who created
/// it and every key issued for it (and, under their own category, other changes made through the API, such as alert
/// triage). The events never contain a key or its hash.
/// </summary>
internal sealed class AdminAuditRecorder(IAuditEventStore store, AuditTransactionEvents otherTenants, TimeProvider timeProvider)
{
    /// <summary>The <c>service_name</c> of events the server records about itself.</summary>
    public const string ServiceName = ServerRecords.ServiceName;

    /// <summary>The <c>category</c> of admin events.</summary>
    public const string Category = ServerRecords.AdminCategory;

    private static readonly string? s_version = typeof(AdminAuditRecorder).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    /// <summary>
    /// Records <paramref name="action"/> of the server's API on <paramref name="tenantId"/>. When given,
    /// <paramref name="alongside"/> is the action's own change, made in the transaction that stores the record: both
    /// commit or neither does. <paramref name="alsoRecord"/> are records of the same change in further tenants' logs
    /// (each tenant's own view of it), stored in that same transaction.
    /// </summary>
    public async Task RecordAsync(
        HttpContext context,
        AuditCaller caller,
        string tenantId,
        AdminAction action,
        CancellationToken cancellationToken,
        AuditTransactionWork? alongside = null,
        IReadOnlyList<(string TenantId, AdminAction Action)>? alsoRecord = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(action);
        var now = timeProvider.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
        var auditEvent = Describe(context, caller, tenantId, action, now);
        var before = alongside;
        if (alsoRecord is { Count: > 0 })
        {
            var others = alsoRecord.Select(o => (o.TenantId, Event: Describe(context, caller, o.TenantId, o.Action, now))).ToList();
            before = async (connection, transaction, ct) =>
            {
                // Every tenant's head first, in one order, so that changes over overlapping tenants cannot deadlock.
                await otherTenants.LockHeadsAsync([tenantId, .. others.Select(static o => o.TenantId)], transaction, ct).ConfigureAwait(false);
                if (alongside is not null)
                {
                    await alongside(connection, transaction, ct).ConfigureAwait(false);
                }

                foreach (var (other, record) in others)
                {
                    await otherTenants.AddAsync(other, [record], now, transaction, ct).ConfigureAwait(false);
                }
            };
        }

        await store.InsertAsync(tenantId, [auditEvent], now, new AuditInsertHooks(Before: before), cancellationToken);
    }

    /// <summary>
    /// Records <paramref name="action"/> as <see cref="RecordAsync"/> does, with <paramref name="change"/> as its own
    /// change; when the change cannot be made after all (it answers false: another request won since the thing was
    /// read), nothing is changed or recorded and the answer is false.
    /// </summary>
    public async Task<bool> RecordIfAsync(
        HttpContext context,
        AuditCaller caller,
        string tenantId,
        AdminAction action,
        Func<DbTransaction, CancellationToken, Task<bool>> change,
        CancellationToken cancellationToken,
        IReadOnlyList<(string TenantId, AdminAction Action)>? alsoRecord = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        try
        {
            await RecordAsync(
                context,
                caller,
                tenantId,
                action,
                cancellationToken,
                alongside: async (_, transaction, ct) =>
                {
                    if (!await change(transaction, ct).ConfigureAwait(false))
                    {
                        throw new AuditedChangeRefusedException();
                    }
                },
                alsoRecord);
            return true;
        }
        catch (AuditedChangeRefusedException)
        {
            return false;
        }
    }

    private static AuditEvent Describe(HttpContext context, AuditCaller caller, string tenantId, AdminAction action, DateTimeOffset now)
    {
        var request = context.Request;
        return new AuditEvent
        {
            Id = AuditEventIds.New(now),
            Timestamp = now,
            TenantId = tenantId,
            Source = ServerRecords.Source,
            Action = action.Action,
            Category = action.Category,
            ResourceType = action.ResourceType,
            ResourceId = action.ResourceId,
            ResourceName = Bounded(action.ResourceName, AuditEventLimits.ResourceName),
            UserId = caller.IsBootstrap ? "bootstrap-admin"
                : caller.KeyId.StartsWith(PersonPrincipal.KeyIdPrefix, StringComparison.Ordinal) ? caller.KeyId[PersonPrincipal.KeyIdPrefix.Length..]
                : "api-key:" + caller.KeyId,
            Username = caller.KeyPrefix,
            Status = action.Status,
            Severity = action.Severity,
            ServiceName = ServiceName,
            ServiceVersion = Bounded(s_version, AuditEventLimits.ServiceVersion),
            Method = request.Method,
            Path = Bounded(request.Path.Value, AuditEventLimits.Path),
            Route = Bounded((context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText, AuditEventLimits.Route),
            StatusCode = action.StatusCode,
            IpAddress = context.Connection.RemoteIpAddress?.ToString(),
            UserAgent = Bounded(request.Headers.UserAgent.ToString(), AuditEventLimits.UserAgent),
            RequestId = Bounded(context.TraceIdentifier, AuditEventLimits.RequestId),
            TraceId = Activity.Current?.TraceId.ToString(),
            Description = Bounded(action.Description, AuditEventLimits.Description),
            OldValues = action.OldValues,
            NewValues = action.NewValues,
            Metadata = action.Metadata,
        };
    }

    private static string? Bounded(string? value, int max) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= max ? value : value[..max];
}
