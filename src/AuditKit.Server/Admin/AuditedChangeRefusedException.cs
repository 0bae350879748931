namespace AuditKit.Server.Admin;

/// <summary>
/// Thrown inside the transaction of a change that is recorded as an audit event (see
/// <see cref="AdminAuditRecorder.RecordIfAsync"/>) when the change cannot be made after all — the alert changed status
/// meanwhile, the tenant id was taken, the key is no longer live: it rolls the transaction back, so neither the change
/// nor its record is stored. The endpoint answers as it would have without the race (409, 404).
/// </summary>
internal sealed class AuditedChangeRefusedException : Exception
{
    public AuditedChangeRefusedException()
        : base("The change recorded by this audit event could not be made.")
    {
    }

    public AuditedChangeRefusedException(string message)
        : base(message)
    {
    }

    public AuditedChangeRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
