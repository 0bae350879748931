using AuditKit.Server.Detection;

namespace AuditKit.Server.Webhooks;

/// <summary>Queues the deliveries of raised alerts in the pass that raised them, and wakes the dispatcher after its commit.</summary>
internal sealed class WebhookAlertHandler(WebhookSignal signal) : IAlertRaisedHandler
{
    public Task<int> OnRaisedAsync(DetectionPass pass, IReadOnlyList<WrittenAlert> raised, CancellationToken cancellationToken) =>
        WebhookOutbox.EnqueueAsync(pass, raised, cancellationToken);

    public void OnCommitted(int queued)
    {
        if (queued > 0)
        {
            signal.Notify();
        }
    }
}
