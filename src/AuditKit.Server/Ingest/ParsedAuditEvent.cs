namespace AuditKit.Server.Ingest;

/// <summary>One posted event after reading: valid when <see cref="Errors"/> is empty.</summary>
/// <param name="Index">Its position in the posted batch (0 for a single event).</param>
/// <param name="Event">The event as read (possibly partial when it has errors).</param>
/// <param name="Errors">What is wrong with it, field by field.</param>
internal sealed record ParsedAuditEvent(int Index, AuditEvent Event, IReadOnlyList<AuditFieldError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
