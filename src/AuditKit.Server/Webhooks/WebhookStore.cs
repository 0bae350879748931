using System.Data.Common;
using AuditKit.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace AuditKit.Server.Webhooks;

/// <summary>A tenant's webhooks and their delivery log (EF Core, either provider).</summary>
internal sealed class WebhookStore(IDbContextFactory<AuditDbContext> contexts)
{
    /// <summary>Stores a webhook in <paramref name="transaction"/> (that of the audit event recording its creation).</summary>
    public async Task CreateAsync(WebhookRow webhook, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(transaction);
        await using var db = await contexts.CreateDbContextAsync(transaction, cancellationToken).ConfigureAwait(false);
        db.Add(webhook);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WebhookRow>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Set<WebhookRow>().AsNoTracking().Where(w => w.TenantId == tenantId)
            .OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<WebhookRow?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Set<WebhookRow>().AsNoTracking().FirstOrDefaultAsync(w => w.TenantId == tenantId && w.Id == id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes the webhook in <paramref name="transaction"/> (that of the audit event recording it); false when there is
    /// no such webhook. Its deliveries stay in the log, and pending ones fail when their turn comes.
    /// </summary>
    public async Task<bool> DeleteAsync(string tenantId, Guid id, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await using var db = await contexts.CreateDbContextAsync(transaction, cancellationToken).ConfigureAwait(false);
        return await db.Set<WebhookRow>().Where(w => w.TenantId == tenantId && w.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<(IReadOnlyList<WebhookDeliveryRow> Items, long Total)> ListDeliveriesAsync(
        string tenantId, Guid? webhookId, WebhookDeliveryStatus? status, int limit, int offset, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var deliveries = db.Set<WebhookDeliveryRow>().AsNoTracking().Where(d => d.TenantId == tenantId);
        if (webhookId is { } hook)
        {
            deliveries = deliveries.Where(d => d.WebhookId == hook);
        }

        if (status is { } s)
        {
            deliveries = deliveries.Where(d => d.Status == s);
        }

        var total = await deliveries.LongCountAsync(cancellationToken).ConfigureAwait(false);
        var items = await deliveries.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Skip(offset).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
        return (items, total);
    }
}
