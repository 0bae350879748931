namespace AuditKit.EfCore;

/// <summary>What one SaveChanges call is about to write, captured in SavingChanges and turned into events after it.</summary>
internal sealed class SaveChangesCapture(AuditScope scope)
{
    /// <summary>The who / tenant / trace of the flow that called SaveChanges.</summary>
    public AuditScope Scope { get; } = scope;

    /// <summary>Root (non-owned) entries; owned entries hang off their root's <see cref="CapturedEntry.Owned"/>.</summary>
    public List<CapturedEntry> Entries { get; } = [];

    /// <summary>Set when EF Core is about to throw a concurrency exception for this save.</summary>
    public Exception? ConcurrencyFailure { get; set; }
}
