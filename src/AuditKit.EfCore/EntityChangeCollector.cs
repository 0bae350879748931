using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace AuditKit.EfCore;

/// <summary>
/// Reads the change tracker at SavingChanges: which audited entities will be inserted, updated or deleted, with
/// their original values, and which owners must be reported because one of their owned dependents changed.
/// </summary>
internal sealed class EntityChangeCollector(EntityAuditPlanCache plans)
{
    /// <summary>Captures the pending changes of <paramref name="context"/> into <paramref name="capture"/>.</summary>
    /// <param name="context">The context about to save.</param>
    /// <param name="capture">The save's capture, whose <see cref="SaveChangesCapture.Entries"/> this fills.</param>
    /// <param name="reload">
    /// <see langword="true"/> to return in <paramref name="attachedWithUpdate"/> the entries attached with
    /// <c>Update()</c>, whose original values must be read from the database; otherwise they are marked as having
    /// unknown original values.
    /// </param>
    /// <param name="attachedWithUpdate">The entries to reload, when <paramref name="reload"/> is set.</param>
    /// <param name="unchangedOwned">Whether owned entries that did not change are folded into their owner's event too (all values on update).</param>
    public void Collect(DbContext context, SaveChangesCapture capture, bool reload, bool unchangedOwned, out List<CapturedEntry>? attachedWithUpdate)
    {
        attachedWithUpdate = null;
        List<CapturedEntry>? owned = null;
        List<CapturedEntry>? unchanged = null;
        List<EntityEntry>? owners = null;

        // Entries() runs DetectChanges first when the context auto-detects (unless called while EF Core itself is
        // detecting changes, when auto-detection is off), so the states below are final.
        foreach (var entry in context.ChangeTracker.Entries())
        {
            var plan = plans.For(entry.Metadata);
            if (!plan.Audited)
            {
                continue;
            }

            if (plan.OwnsDependents)
            {
                (owners ??= []).Add(entry);
            }

            var state = entry.State;
            if (state is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                if (unchangedOwned && state == EntityState.Unchanged && plan.IsOwned)
                {
                    (unchanged ??= []).Add(new CapturedEntry(entry, plan, state) { Originals = Read(entry.OriginalValues, plan.Properties) });
                }

                continue;
            }

            var captured = new CapturedEntry(entry, plan, state);
            if (state is EntityState.Modified or EntityState.Deleted)
            {
                var originals = entry.OriginalValues;
                captured.Originals = Read(originals, plan.Properties);
                if (state == EntityState.Deleted)
                {
                    captured.Key = Read(originals, plan.Key);
                }
                else if (!HasRealChange(entry, captured) && LooksAttachedWithUpdate(entry))
                {
                    if (reload)
                    {
                        (attachedWithUpdate ??= []).Add(captured);
                    }
                    else
                    {
                        captured.OriginalValuesUnknown = true;
                    }
                }
            }

            if (plan.IsOwned)
            {
                (owned ??= []).Add(captured);
            }
            else
            {
                capture.Entries.Add(captured);
            }
        }

        if (owned is not null || unchanged is not null)
        {
            FoldOwned(capture, owned ?? [], unchanged ?? [], owners ?? []);
        }
    }

    /// <summary>Replaces the original values of an entry attached with <c>Update()</c> by the database's.</summary>
    public static void UseDatabaseValues(CapturedEntry captured, PropertyValues? databaseValues)
    {
        if (databaseValues is null)
        {
            // The row is gone: the save will fail with a concurrency error; nothing better is known.
            captured.OriginalValuesUnknown = true;
            return;
        }

        captured.Originals = Read(databaseValues, captured.Plan.Properties);
    }

    private static object?[] Read(PropertyValues values, AuditedProperty[] properties)
    {
        var result = new object?[properties.Length];
        for (var i = 0; i < properties.Length; i++)
        {
            result[i] = properties[i].Read(values);
        }

        return result;
    }

    private static bool HasRealChange(EntityEntry entry, CapturedEntry captured)
    {
        // Plain properties first: they are read from the object, and one of them has usually changed, which spares
        // building the entry's CurrentValues for the others.
        PropertyValues? currents = null;
        var properties = captured.Plan.Properties;
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < properties.Length; i++)
            {
                if (properties[i].ReadsFromObject == (pass == 0)
                    && !properties[i].ValuesEqual(captured.Originals![i], properties[i].ReadCurrent(entry, ref currents)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// <c>Update()</c> marks every non-key property modified (shadow properties excepted: their values are not on
    /// the object) while the original values are just the current ones; a tracked entity whose properties were
    /// merely re-assigned has no modified property left after DetectChanges.
    /// </summary>
    private static bool LooksAttachedWithUpdate(EntityEntry entry)
    {
        var any = false;
        foreach (var property in entry.Properties)
        {
            if (property.Metadata.IsPrimaryKey() || property.Metadata.IsShadowProperty())
            {
                continue;
            }

            if (!property.IsModified)
            {
                return false;
            }

            any = true;
        }

        return any;
    }

    /// <summary>
    /// Owned entities are tracked as entries of their own; their changes are reported on the event of the entity
    /// that owns them (<c>ShippingAddress.City</c>), so each owned entry is hung under its root owner, which is
    /// captured as an update when it did not change itself. Unchanged owned entries only join an owner that is
    /// reported anyway.
    /// </summary>
    private void FoldOwned(SaveChangesCapture capture, List<CapturedEntry> owned, List<CapturedEntry> unchanged, List<EntityEntry> owners)
    {
        var byEntity = new Dictionary<object, CapturedEntry>(ReferenceEqualityComparer.Instance);
        foreach (var root in capture.Entries)
        {
            byEntity[root.Entry.Entity] = root;
        }

        foreach (var item in owned)
        {
            byEntity[item.Entry.Entity] = item;
        }

        var ownersByKey = new Dictionary<string, EntityEntry>(StringComparer.Ordinal);
        foreach (var owner in owners)
        {
            if (owner.Metadata.FindPrimaryKey() is { } key)
            {
                ownersByKey[Identity(owner.Metadata.GetRootType(), owner, key.Properties)] = owner;
            }
        }

        var queue = new Queue<CapturedEntry>(owned);
        while (queue.Count > 0)
        {
            var item = queue.Dequeue();
            var ownership = item.Plan.Ownership!;
            var identity = Identity(ownership.PrincipalEntityType.GetRootType(), item.Entry, ownership.Properties);
            if (!ownersByKey.TryGetValue(identity, out var ownerEntry))
            {
                continue;
            }

            if (!byEntity.TryGetValue(ownerEntry.Entity, out var owner))
            {
                // The owner did not change itself: report it as an update carrying its dependents' changes.
                var ownerPlan = plans.For(ownerEntry.Metadata);
                owner = new CapturedEntry(ownerEntry, ownerPlan, EntityState.Unchanged)
                {
                    Originals = Read(ownerEntry.OriginalValues, ownerPlan.Properties),
                };
                byEntity[ownerEntry.Entity] = owner;
                if (ownerPlan.IsOwned)
                {
                    queue.Enqueue(owner);
                }
                else
                {
                    capture.Entries.Add(owner);
                }
            }

            item.Owner = owner;
        }

        // Unchanged dependents join reported owners; an owner may itself be an unchanged dependent, hence the passes.
        var pending = unchanged;
        while (pending.Count > 0)
        {
            var next = new List<CapturedEntry>();
            foreach (var item in pending)
            {
                var ownership = item.Plan.Ownership!;
                var identity = Identity(ownership.PrincipalEntityType.GetRootType(), item.Entry, ownership.Properties);
                if (ownersByKey.TryGetValue(identity, out var ownerEntry) && byEntity.TryGetValue(ownerEntry.Entity, out var owner))
                {
                    item.Owner = owner;
                    byEntity[item.Entry.Entity] = item;
                }
                else
                {
                    next.Add(item);
                }
            }

            if (next.Count == pending.Count)
            {
                break;
            }

            pending = next;
        }

        foreach (var item in byEntity.Values)
        {
            if (item.Plan.IsOwned && RootOf(item) is { } root)
            {
                (root.Owned ??= []).Add(item);
            }
        }
    }

    private static CapturedEntry? RootOf(CapturedEntry item)
    {
        var current = item;
        while (current.Plan.IsOwned)
        {
            current = current.Owner;
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    private static string Identity(IEntityType rootType, EntityEntry entry, IReadOnlyList<IProperty> keyProperties)
    {
        var builder = new StringBuilder(rootType.Name);
        var values = entry.CurrentValues;
        foreach (var property in keyProperties)
        {
            builder.Append('\u001f').Append(Convert.ToString(values[property], CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
