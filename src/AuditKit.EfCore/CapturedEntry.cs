using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace AuditKit.EfCore;

/// <summary>
/// One entity as it stood when SaveChanges started: its state and, for updates and deletes, its original values
/// (which are gone once the save accepts the changes). Current values are read after the save so that
/// store-generated keys and values are the real ones.
/// </summary>
internal sealed class CapturedEntry(EntityEntry entry, EntityAuditPlan plan, EntityState state)
{
    public EntityEntry Entry { get; } = entry;

    public EntityAuditPlan Plan { get; } = plan;

    /// <summary>The state at SavingChanges; <see cref="EntityState.Unchanged"/> for an owner whose owned dependents changed.</summary>
    public EntityState State { get; } = state;

    /// <summary>Values of <see cref="EntityAuditPlan.Properties"/> before the save (updates and deletes).</summary>
    public object?[]? Originals { get; set; }

    /// <summary>
    /// Set for an entity attached with <c>Update()</c> whose database values were not reloaded: every property is
    /// marked modified and its original values are simply its current ones, so what changed is not known.
    /// </summary>
    public bool OriginalValuesUnknown { get; set; }

    /// <summary>For an owned entry: the entry of its owner (itself possibly owned).</summary>
    public CapturedEntry? Owner { get; set; }

    /// <summary>For a root entry: the owned entries (at any depth) whose values are folded into its event.</summary>
    public List<CapturedEntry>? Owned { get; set; }

    /// <summary>Key values captured before the save, for deletes (a deleted entry's key cannot change).</summary>
    public object?[]? Key { get; set; }
}
