namespace AuditKit.Delivery;

/// <summary>The <c>reason</c> tag of the <c>auditkit.delivery.dropped</c> counter.</summary>
internal static class AuditDropReasons
{
    /// <summary>The in-memory channel was full and the spool could not take the overflow.</summary>
    public const string ChannelFull = "channel_full";

    /// <summary>Written after the pipeline shut down.</summary>
    public const string ShutDown = "shut_down";

    /// <summary>The spool reached its size cap and its oldest batches were discarded.</summary>
    public const string SpoolCap = "spool_cap";

    /// <summary>Could not be sent nor spooled (disk failure, or no spool at shutdown).</summary>
    public const string Unspoolable = "unspoolable";
}
