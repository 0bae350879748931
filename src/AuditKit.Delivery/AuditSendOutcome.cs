using System.Net;

namespace AuditKit.Delivery;

/// <summary>What became of one batch POST, after the resilience pipeline's retries.</summary>
internal enum AuditSendStatus
{
    /// <summary>The server answered 2xx; <see cref="AuditSendOutcome.Result"/> holds the per-item answer.</summary>
    Delivered,

    /// <summary>Timeouts, connection failures, 408/429/5xx after every retry, or the circuit is open. Try later.</summary>
    Unavailable,

    /// <summary>401 or 403: the key is missing, unknown or lacks the ingest role. Sending pauses.</summary>
    Unauthorized,

    /// <summary>413: the batch is too large for the server. Split it.</summary>
    TooLarge,

    /// <summary>Another 4xx: the server will never take this batch as it is. Not retried.</summary>
    Refused,

    /// <summary>The send was cancelled by the caller (shutdown deadline).</summary>
    Cancelled,
}

/// <summary>The outcome of <see cref="AuditBatchSender.SendAsync"/>.</summary>
internal sealed record AuditSendOutcome(AuditSendStatus Status, HttpStatusCode? StatusCode = null, AuditBatchResult? Result = null, string? Detail = null);
