using System.Data.Common;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using AuditKit.Server.Alerts;
using AuditKit.Server.Common;
using AuditKit.Server.Detection;
using AuditKit.Server.Storage;
using Microsoft.Extensions.Options;

namespace AuditKit.Server.Webhooks;

/// <summary>
/// Sends queued webhook deliveries: claims due ones from the outbox (several server processes share the work without
/// sending a delivery twice: <c>FOR UPDATE SKIP LOCKED</c> and a claim lease on PostgreSQL), POSTs the alert JSON
/// through the <see cref="ClientName"/> client (retries with exponential backoff; each attempt signed afresh by
/// <see cref="WebhookSigningHandler"/>), and records the outcome in the delivery log. Woken by
/// <see cref="WebhookSignal"/> when this process raised an alert, and polls for the rest.
/// </summary>
internal sealed partial class WebhookDispatcher(
    DetectionDatabase database,
    AlertStore alerts,
    WebhookStore webhooks,
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

    private async Task<List<ClaimedDelivery>> ClaimAsync(CancellationToken cancellationToken)
    {
        var sql = database.Sql;
        var now = AuditEventRow.ToStoredTime(timeProvider.GetUtcNow());
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var nowParameter = DetectionPass.Add(command, "now", sql.Values.TimeValue(now));
        var until = DetectionPass.Add(command, "until", sql.Values.TimeValue(now + options.Value.ClaimLease));
        var limit = DetectionPass.Add(command, "n", options.Value.BatchSize);
        var due = $"status = 0 AND next_attempt_at <= {nowParameter} AND (claimed_until IS NULL OR claimed_until < {nowParameter})";
        command.CommandText = sql.ClaimDue(
            DetectionModel.DeliveriesTable, due, "next_attempt_at", limit, until, "tenant_id", "id", "webhook_id", "alert_id", "url", "attempts");
        var claimed = new List<ClaimedDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add(new ClaimedDelivery(
                reader.GetString(0), sql.Values.ReadId(reader, 1), sql.Values.ReadId(reader, 2), sql.Values.ReadId(reader, 3), reader.GetString(4), reader.GetInt32(5)));
        }

        return claimed;
    }

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

    private async Task RecordAsync(ClaimedDelivery delivery, bool delivered, int attempts, int? status, string? error, CancellationToken cancellationToken)
    {
        var sql = database.Sql;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbCommand command = connection.CreateCommand();
        command.CommandText =
            $"UPDATE {DetectionModel.DeliveriesTable} SET status = {DetectionPass.Add(command, "s", (short)(delivered ? WebhookDeliveryStatus.Delivered : WebhookDeliveryStatus.Failed))}, " +
            $"attempts = attempts + {DetectionPass.Add(command, "a", attempts)}, " +
            $"completed_at = {DetectionPass.Add(command, "at", sql.Values.TimeValue(AuditEventRow.ToStoredTime(timeProvider.GetUtcNow())))}, " +
            $"response_status = {DetectionPass.Add(command, "rs", status)}, error = {DetectionPass.Add(command, "e", error)}, claimed_until = NULL " +
            $"WHERE tenant_id = {DetectionPass.Add(command, "t", delivery.TenantId)} AND id = {DetectionPass.Add(command, "id", sql.Values.IdValue(delivery.Id))}";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed record ClaimedDelivery(string TenantId, Guid Id, Guid WebhookId, Guid AlertId, string Url, int Attempts);

    [LoggerMessage(EventId = 640, Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} of alert {AlertId} (tenant {TenantId}) delivered after {Attempts} attempts")]
    private static partial void LogDelivered(ILogger logger, Guid deliveryId, Guid alertId, string tenantId, int attempts);

    [LoggerMessage(EventId = 641, Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} of alert {AlertId} (tenant {TenantId}) failed after {Attempts} attempts: {Error}")]
    private static partial void LogFailed(ILogger logger, Guid deliveryId, Guid alertId, string tenantId, int attempts, string error);

    [LoggerMessage(EventId = 643, Level = LogLevel.Debug, Message = "Webhook delivery {DeliveryId} (tenant {TenantId}) failed with {Reason}")]
    private static partial void LogAttemptFailed(ILogger logger, Guid deliveryId, string tenantId, string reason, Exception exception);

    [LoggerMessage(EventId = 642, Level = LogLevel.Error, Message = "Webhook dispatch round failed")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);
}
