namespace AuditKit.Server.Storage;

/// <summary>Where a webhook delivery is. Stored as a small integer; serialized in lower case.</summary>
internal enum WebhookDeliveryStatus
{
    /// <summary>Waiting to be sent (or being sent).</summary>
    [JsonStringEnumMemberName("pending")]
    Pending = 0,

    /// <summary>The receiver answered 2xx.</summary>
    [JsonStringEnumMemberName("delivered")]
    Delivered = 1,

    /// <summary>Every attempt failed; see the delivery's last status code or error.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed = 2,
}
