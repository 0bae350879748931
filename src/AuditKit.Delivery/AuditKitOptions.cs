using AuditKit.Delivery;

namespace AuditKit;

/// <summary>
/// How an application reaches the AuditKit server. Bound from configuration section <c>AuditKit</c>
/// (so <c>AuditKit__ServerUrl</c> style environment variables work) and validated at start-up.
/// </summary>
public sealed class AuditKitOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditKit";

    /// <summary>
    /// The server's base address, e.g. <c>http://127.0.0.1:5080</c>. Events are posted to
    /// <c>{ServerUrl}/api/v1/audit-logs/batch</c>. Required when the delivery pipeline is the registered
    /// <see cref="IAuditSink"/>.
    /// </summary>
    public Uri? ServerUrl { get; set; }

    /// <summary>The ingest API key, sent as <c>Authorization: Bearer &lt;key&gt;</c>. Keep it in a secret store.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Stamped on events that do not carry a <see cref="AuditEvent.ServiceName"/> of their own.</summary>
    public string? ServiceName { get; set; }

    /// <summary>Stamped on events that do not carry a <see cref="AuditEvent.ServiceVersion"/> of their own.</summary>
    public string? ServiceVersion { get; set; }

    /// <summary>
    /// Where undeliverable batches are kept until the server is reachable again, and where the dead-letter file is
    /// written. Defaults to <c>auditkit-spool/&lt;ServiceName&gt;</c> under the user's local application data folder.
    /// Give every process its own directory: a spool is owned by one process at a time.
    /// </summary>
    public string? SpoolDirectory { get; set; }

    /// <summary>How events are batched, sent, retried and spooled (section <c>AuditKit:Delivery</c>).</summary>
    public AuditDeliveryOptions Delivery { get; set; } = new();
}
