using System.Runtime.CompilerServices;

namespace AuditKit.Server.Webhooks;

/// <summary>
/// Signs every attempt of a webhook delivery as it leaves (inside the retry handler), so each retry carries a fresh
/// timestamp and signature, and counts the attempts for the delivery log. The secret travels in the request's
/// options, never in a header or a log.
/// </summary>
internal sealed class WebhookSigningHandler(TimeProvider timeProvider) : DelegatingHandler
{
    /// <summary>The webhook's signing secret.</summary>
    public static readonly HttpRequestOptionsKey<string> Secret = new("auditkit.webhook.secret");

    /// <summary>Counts the attempts made for one delivery.</summary>
    public static readonly HttpRequestOptionsKey<StrongBox<int>> Attempts = new("auditkit.webhook.attempts");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Options.TryGetValue(Attempts, out var attempts))
        {
            Interlocked.Increment(ref attempts.Value);
        }

        if (request.Options.TryGetValue(Secret, out var secret) && request.Content is { } content)
        {
            var body = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var timestamp = timeProvider.GetUtcNow().ToUnixTimeSeconds();
            request.Headers.Remove(WebhookSignature.TimestampHeader);
            request.Headers.Remove(WebhookSignature.SignatureHeader);
            request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
