using AuditKit.Server.Detection;

namespace AuditKit.Server.Webhooks;

/// <summary>Queues the deliveries of raised alerts in the pass that raised them, and wakes the dispatcher after its commit.</summary>
internal sealed class WebhookAlertHandler(IWebhookStore webhooks, WebhookSignal signal) : IAlertRaisedHandler
{
    public Task<int> OnRaisedAsync(DetectionPass pass, IReadOnlyList<WrittenAlert> raised, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(raised);
        return webhooks.EnqueueDeliveriesAsync(
            pass.Transaction, pass.TenantId, [.. raised.Select(static a => new RaisedAlert(a.Id, a.Match.Severity))], pass.Now, cancellationToken);
    }

    public void OnCommitted(int queued)
    {
        if (queued > 0)
        {
            signal.Notify();
        }
    }
}
