using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using AuditKit.Server.Alerts;

namespace AuditKit.Server.Webhooks;

/// <summary>
/// Sends queued webhook deliveries: claims due ones from the outbox (several server processes share the work without
/// sending a delivery twice: <c>FOR UPDATE SKIP LOCKED</c> and a claim lease on PostgreSQL), POSTs the alert JSON
/// through the <see cref="ClientName"/> client (retries with exponential backoff; each attempt signed afresh by
/// <see cref="WebhookSigningHandler"/>), and records the outcome in the delivery log. Woken by
/// <see cref="WebhookSignal"/> when this process raised an alert, and polls for the rest.
/// </summary>
internal sealed partial class WebhookDispatcher(
    IAlertStore alerts,
    IWebhookStore webhooks,
    WebhookSecretProtector protector,
    IHttpClientFactory httpClients,
    WebhookSignal signal,
    IOptions<WebhookOptions> options,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    /// <summary>The named HTTP client deliveries are sent with.</summary>
    public const string ClientName = "auditkit-webhooks";

    /// <summary>The <c>X-AuditKit-Event</c> of a newly raised alert.</summary>
    public const string AlertRaisedEvent = "alert.raised";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The outbox is read only once the host has started: the schema migration runs at start-up.
        if (!await lifetime.WaitForStartedAsync(stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            int sent;
            try
            {
                sent = await DispatchDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogDispatchFailed(logger, ex);
                sent = 0;
            }

            if (sent < options.Value.BatchSize)
            {
                await signal.WaitAsync(options.Value.PollInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Claims and sends the deliveries due now (one round); returns how many were claimed.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var claimed = await ClaimAsync(cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(
            claimed,
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (delivery, ct) => await SendAsync(delivery, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return claimed.Count;
    }

    private Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(CancellationToken cancellationToken) =>
        webhooks.ClaimDueDeliveriesAsync(timeProvider.GetUtcNow(), options.Value.ClaimLease, options.Value.BatchSize, cancellationToken);

    private async Task SendAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        var attempts = new StrongBox<int>(0);
        int? status = null;
        string? error = null;
        var delivered = false;
        try
        {
            var webhook = await webhooks.GetAsync(delivery.TenantId, delivery.WebhookId, cancellationToken).ConfigureAwait(false);
            var alert = await alerts.GetAsync(delivery.TenantId, delivery.AlertId, cancellationToken).ConfigureAwait(false);
            if (webhook is null || alert is null)
            {
                error = webhook is null ? WebhookFailureReason.WebhookDeleted : WebhookFailureReason.AlertDeleted;
            }
            else
            {
                var body = JsonSerializer.SerializeToUtf8Bytes(AlertResponse.From(alert), AlertJsonContext.Default.AlertResponse);
                using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                request.Headers.TryAddWithoutValidation(WebhookSignature.DeliveryHeader, delivery.Id.ToString());
                request.Headers.TryAddWithoutValidation(WebhookSignature.EventHeader, AlertRaisedEvent);
                request.Options.Set(WebhookSigningHandler.Secret, protector.Unprotect(delivery.TenantId, webhook.Id, webhook.SecretCiphertext));
                request.Options.Set(WebhookSigningHandler.Attempts, attempts);
                using var response = await httpClients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                status = (int)response.StatusCode;
                delivered = response.IsSuccessStatusCode;
                if (!delivered)
                {
                    error = WebhookFailureReason.ForStatus(status.Value);
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or TimeoutException or CryptographicException
            || ex is Polly.Timeout.TimeoutRejectedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The delivery log, which the tenant's admin reads, gets a fixed reason; the details are for the operator's log.
            error = WebhookFailureReason.ForException(ex);
            LogAttemptFailed(logger, delivery.Id, delivery.TenantId, error, ex);
        }

        await RecordAsync(delivery, delivered, attempts.Value, status, error, cancellationToken).ConfigureAwait(false);
        if (delivered)
        {
            LogDelivered(logger, delivery.Id, delivery.AlertId, delivery.TenantId, attempts.Value);
        }
        else
        {
            LogFailed(logger, delivery.Id, delivery.AlertId, delivery.TenantId, attempts.Value, error ?? "-");
        }
    }

    private Task RecordAsync(ClaimedDelivery delivery, bool delivered, int attempts, int? status, string? error, CancellationToken cancellationToken) =>
        webhooks.CompleteDeliveryAsync(delivery, delivered, attempts, status, error, timeProvider.GetUtcNow(), cancellationToken);

    [LoggerMessage(EventId = 640, Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} of alert {AlertId} (tenant {TenantId}) delivered after {Attempts} attempts")]
    private static partial void LogDelivered(ILogger logger, Guid deliveryId, Guid alertId, string tenantId, int attempts);

    [LoggerMessage(EventId = 641, Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} of alert {AlertId} (tenant {TenantId}) failed after {Attempts} attempts: {Error}")]
    private static partial void LogFailed(ILogger logger, Guid deliveryId, Guid alertId, string tenantId, int attempts, string error);

    [LoggerMessage(EventId = 643, Level = LogLevel.Debug, Message = "Webhook delivery {DeliveryId} (tenant {TenantId}) failed with {Reason}")]
    private static partial void LogAttemptFailed(ILogger logger, Guid deliveryId, string tenantId, string reason, Exception exception);

    [LoggerMessage(EventId = 642, Level = LogLevel.Error, Message = "Webhook dispatch round failed")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);
}
