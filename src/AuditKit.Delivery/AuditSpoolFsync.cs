namespace AuditKit.Delivery;

/// <summary>When the spool forces what it wrote to stable storage (<c>fsync</c>).</summary>
public enum AuditSpoolFsync
{
    /// <summary>After every spooled batch: a power loss loses nothing that was acknowledged as spooled. The default.</summary>
    EveryWrite = 0,

    /// <summary>When a segment file is closed: cheaper; a power loss may lose the batches of the open segment.</summary>
    OnSegmentClose = 1,

    /// <summary>Never explicitly; the operating system writes back when it sees fit. A process crash loses nothing, a power loss may.</summary>
    Never = 2,
}
