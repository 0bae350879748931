using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AuditKit.Delivery;

/// <summary>
/// Posts one batch, gzip-compressed, to <c>api/v1/audit-logs/batch</c>. The typed <see cref="HttpClient"/> it is
/// given carries the resilience pipeline (total timeout, retry with backoff and <c>Retry-After</c>, circuit breaker,
/// attempt timeout), so this class makes exactly one call and classifies the answer.
/// </summary>
internal sealed class AuditBatchSender(HttpClient httpClient, ILogger<AuditBatchSender> logger)
{
    internal const string BatchPath = "api/v1/audit-logs/batch";

    private static readonly MediaTypeHeaderValue s_json = new("application/json") { CharSet = "utf-8" };

    public async Task<AuditSendOutcome> SendAsync(AuditBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var content = new ByteArrayContent(batch.ToGzipJson());
        content.Headers.ContentType = s_json;
        content.Headers.ContentEncoding.Add("gzip");
        using var request = new HttpRequestMessage(HttpMethod.Post, BatchPath) { Content = content };

        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new AuditSendOutcome(AuditSendStatus.Cancelled);
        }
        catch (BrokenCircuitException ex)
        {
            return new AuditSendOutcome(AuditSendStatus.Unavailable, Detail: ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or OperationCanceledException)
        {
            return new AuditSendOutcome(AuditSendStatus.Unavailable, Detail: ex.Message);
        }

        using (response)
        {
            var status = response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new AuditSendOutcome(AuditSendStatus.Delivered, status, await ReadResultAsync(response, cancellationToken).ConfigureAwait(false));
            }

            var detail = await ReadDetailAsync(response, cancellationToken).ConfigureAwait(false);
            return status switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new AuditSendOutcome(AuditSendStatus.Unauthorized, status, Detail: detail),
                HttpStatusCode.RequestEntityTooLarge => new AuditSendOutcome(AuditSendStatus.TooLarge, status, Detail: detail),
                HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => new AuditSendOutcome(AuditSendStatus.Unavailable, status, Detail: detail),
                >= HttpStatusCode.InternalServerError => new AuditSendOutcome(AuditSendStatus.Unavailable, status, Detail: detail),
                _ => new AuditSendOutcome(AuditSendStatus.Refused, status, Detail: detail),
            };
        }
    }

    private async Task<AuditBatchResult?> ReadResultAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync(stream, AuditBatchJsonContext.Default.AuditBatchResult, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (JsonException ex)
        {
            // The server stored the batch (2xx); an unreadable answer only costs us the per-item detail.
            AuditDeliveryLog.UnreadableBatchResult(logger, ex.Message);
            return null;
        }
    }

    private static async Task<string?> ReadDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return text.Length > 1024 ? text[..1024] : text;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
