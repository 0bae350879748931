namespace AuditKit.Delivery.Spool;

/// <summary>Where a spooled record stands.</summary>
internal enum SpoolRecordState : byte
{
    /// <summary>Waiting to be replayed.</summary>
    Pending,

    /// <summary>Written ahead and being sent by a sender right now; replayed only if that send fails or the process dies.</summary>
    InFlight,

    /// <summary>The server took it.</summary>
    Acknowledged,
}
