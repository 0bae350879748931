using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace AuditKit.EfCore;

/// <summary>
/// Turns a <see cref="SaveChangesCapture"/> into events once the save has succeeded: one per changed entity, with
/// masked old and new values and the list of properties whose value really changed. Current values are read now,
/// so store-generated keys and values are the ones the database produced.
/// </summary>
internal sealed class EntityEventFactory(EntityAuditOptions options, AuditValueEncoder encoder)
{
    public void Build(SaveChangesCapture capture, DateTimeOffset timestamp, List<AuditEvent> events)
    {
        foreach (var root in capture.Entries)
        {
            if (BuildOne(root, capture.Scope, timestamp) is { } auditEvent)
            {
                events.Add(auditEvent);
            }
        }
    }

    /// <summary>The one FAILURE event of a SaveChanges that threw.</summary>
    public AuditEvent BuildFailure(SaveChangesCapture capture, Exception exception, DateTimeOffset timestamp)
    {
        var single = capture.Entries.Count == 1 ? capture.Entries[0] : null;
        var auditEvent = NewEvent(capture.Scope, timestamp);
        auditEvent.Status = AuditStatus.Failure;
        auditEvent.Severity = options.DeleteSeverity;
        auditEvent.Action = single is null ? "SAVE_CHANGES" : ActionOf(single.State);
        auditEvent.ResourceType = single?.Plan.ResourceType;
        auditEvent.ResourceId = single is null ? null : KnownResourceId(single);
        auditEvent.Category = single?.Plan.Category;
        auditEvent.ErrorCode = ErrorCode(exception);
        if (options.IncludeErrorMessage)
        {
            auditEvent.ErrorMessage = Bounded(ErrorMessage(exception), AuditEventLimits.ErrorMessage);
        }

        var entities = new JsonArray();
        foreach (var entry in capture.Entries.Take(100))
        {
            entities.Add(new JsonObject
            {
                ["type"] = entry.Plan.ResourceType,
                ["id"] = KnownResourceId(entry),
                ["action"] = ActionOf(entry.State),
            });
        }

        auditEvent.Metadata = new JsonObject
        {
            ["exception"] = exception.GetType().FullName,
            ["entity_count"] = capture.Entries.Count,
            ["entities"] = entities,
        };
        auditEvent.Description = $"SaveChanges failed for {capture.Entries.Count} audited entit{(capture.Entries.Count == 1 ? "y" : "ies")}.";
        return auditEvent;
    }

    private AuditEvent? BuildOne(CapturedEntry root, AuditScope scope, DateTimeOffset timestamp)
    {
        var plan = root.Plan;
        var action = ActionOf(root.State);
        var isUpdate = action == AuditActions.Update;
        var unknownOriginals = root.OriginalValuesUnknown;
        var oldValues = action == AuditActions.Create || unknownOriginals ? null : new JsonObject();
        var newValues = action == AuditActions.Delete ? null : new JsonObject();
        var changes = isUpdate && !unknownOriginals ? new List<AuditChange>() : null;

        Collect(root, string.Empty, oldValues, newValues, changes);
        if (root.Owned is { } owned)
        {
            foreach (var item in owned)
            {
                unknownOriginals |= item.OriginalValuesUnknown;
                Collect(item, PathOf(item), oldValues, newValues, changes);
            }
        }

        if (isUpdate && !unknownOriginals && changes!.Count == 0)
        {
            // Assigning a property its current value, or marking it modified without changing it, is no change.
            return null;
        }

        var metadata = new JsonObject();
        if (plan.Table is not null)
        {
            metadata["table"] = plan.Table;
        }

        if (plan.Schema is not null)
        {
            metadata["schema"] = plan.Schema;
        }

        if (plan.IsAssociation)
        {
            metadata["association"] = true;
        }

        if (isUpdate && plan.SoftDeleteIndex >= 0 && root.Originals is { } originals)
        {
            var before = originals[plan.SoftDeleteIndex] is true;
            PropertyValues? currents = null;
            var after = plan.Properties[plan.SoftDeleteIndex].ReadCurrent(root.Entry, ref currents) is true;
            if (!before && after)
            {
                action = AuditActions.Delete;
                metadata["soft"] = true;
            }
            else if (before && !after)
            {
                metadata["restored"] = true;
            }
        }

        if (unknownOriginals)
        {
            metadata["original_values_known"] = false;
        }

        var auditEvent = NewEvent(scope, timestamp);
        auditEvent.Action = action;
        auditEvent.ResourceType = plan.ResourceType;
        auditEvent.ResourceId = ResourceId(root);
        auditEvent.Severity = plan.Severity ?? (action == AuditActions.Delete ? options.DeleteSeverity : options.WriteSeverity);
        auditEvent.Category = plan.Category;
        auditEvent.Tags = plan.Tags is { } tags ? [.. tags] : null;
        auditEvent.DataClassification = plan.DataClassification;
        auditEvent.OldValues = oldValues;
        auditEvent.NewValues = newValues;
        auditEvent.Changes = changes;
        auditEvent.Metadata = metadata;
        return auditEvent;
    }

    /// <summary>Adds one entry's properties (under <paramref name="prefix"/>) to the event's values and changes.</summary>
    private void Collect(CapturedEntry item, string prefix, JsonObject? oldValues, JsonObject? newValues, List<AuditChange>? changes)
    {
        var properties = item.Plan.Properties;
        var hasOld = item.State != EntityState.Added && !item.OriginalValuesUnknown;
        var hasNew = item.State != EntityState.Deleted;

        // Only an update with known original values has a diff; it then carries the changed properties alone,
        // unless every value was asked for.
        var changedOnly = changes is not null && options.ValuesOnUpdate == AuditedValues.Changed;
        PropertyValues? currents = null;
        for (var i = 0; i < properties.Length; i++)
        {
            var property = properties[i];
            var before = hasOld ? item.Originals![i] : null;
            var after = hasNew ? property.ReadCurrent(item.Entry, ref currents) : null;
            var changed = changes is not null && !property.ValuesEqual(before, after);
            if (changedOnly && !changed)
            {
                continue;
            }

            var path = prefix.Length == 0 ? property.Path : prefix + property.Path;
            var oldNode = hasOld ? encoder.Encode(before, property) : null;
            var newNode = hasNew ? encoder.Encode(after, property) : null;
            if (oldValues is not null && (hasOld || item.Plan.IsOwned))
            {
                oldValues[path] = oldNode;
            }

            if (newValues is not null && (hasNew || item.Plan.IsOwned))
            {
                newValues[path] = newNode;
            }

            if (changed)
            {
                changes!.Add(new AuditChange
                {
                    Property = path,
                    Old = oldNode?.DeepClone(),
                    New = newNode?.DeepClone(),
                });
            }
        }
    }

    /// <summary><c>ShippingAddress.</c>, or <c>Lines[3].</c> for an element of an owned collection, nested as deep as owners go.</summary>
    private string PathOf(CapturedEntry item)
    {
        var segments = new List<string>();
        for (var current = item; current is { Plan.IsOwned: true }; current = current.Owner)
        {
            var segment = current.Plan.OwnershipNavigation;
            if (current.Plan.IsOwnedCollection)
            {
                segment += "[" + ElementKey(current) + "]";
            }

            segments.Add(segment);
        }

        segments.Reverse();
        return string.Join('.', segments) + ".";
    }

    private string ElementKey(CapturedEntry item)
    {
        var elementKey = item.Plan.ElementKey;
        if (elementKey.Length == 0)
        {
            return string.Empty;
        }

        var values = item.Entry.CurrentValues;
        if (elementKey.Length == 1)
        {
            return encoder.KeyText(elementKey[0].Read(values), elementKey[0].Rule);
        }

        return string.Join(',', elementKey.Select(k => encoder.KeyText(k.Read(values), k.Rule)));
    }

    /// <summary>The key of an entity whose save failed, unless it is a temporary value the database never assigned.</summary>
    private string? KnownResourceId(CapturedEntry entry)
    {
        foreach (var key in entry.Plan.Key)
        {
            if (entry.Entry.Property(key.Property!).IsTemporary)
            {
                return null;
            }
        }

        return ResourceId(entry);
    }

    /// <summary>The primary key: its value, or for a composite key a JSON object of its parts.</summary>
    private string? ResourceId(CapturedEntry entry)
    {
        var key = entry.Plan.Key;
        if (key.Length == 0)
        {
            return null;
        }

        var captured = entry.Key;
        PropertyValues? currents = null;
        object? ValueAt(int i) => captured is not null ? captured[i] : key[i].ReadCurrent(entry.Entry, ref currents);

        if (key.Length == 1)
        {
            return Bounded(encoder.KeyText(ValueAt(0), key[0].Rule), AuditEventLimits.ResourceId);
        }

        var composite = new JsonObject();
        for (var i = 0; i < key.Length; i++)
        {
            composite[key[i].Path] = encoder.Encode(ValueAt(i), key[i].Rule);
        }

        return Bounded(composite.ToJsonString(), AuditEventLimits.ResourceId);
    }

    private static AuditEvent NewEvent(AuditScope scope, DateTimeOffset timestamp)
    {
        var auditEvent = new AuditEvent
        {
            Id = AuditEventIds.New(timestamp),
            Timestamp = timestamp,
            Source = AuditSources.EfCore,
            Status = AuditStatus.Success,
        };
        scope.Stamp(auditEvent);
        return auditEvent;
    }

    private static string ActionOf(EntityState state) => state switch
    {
        EntityState.Added => AuditActions.Create,
        EntityState.Deleted => AuditActions.Delete,
        _ => AuditActions.Update,
    };

    private static string ErrorCode(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is System.Data.Common.DbException { SqlState: { Length: > 0 } sqlState })
            {
                return sqlState;
            }
        }

        return exception.GetType().Name;
    }

    private static string ErrorMessage(Exception exception)
    {
        // The innermost exception is the database's own words; EF Core's wrapper only says "see the inner exception".
        var innermost = exception;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return innermost.Message;
    }

    private static string Bounded(string value, int max) => value.Length <= max ? value : value[..max];
}
