using System.Collections;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace AuditKit.EfCore;

/// <summary>
/// One value an event records: a scalar property (also one inside a complex property) or a whole complex collection.
/// Knows where to read it, its dotted name, and how to compare and mask it.
/// </summary>
internal sealed class AuditedProperty
{
    private readonly ValueComparer? _comparer;
    private readonly IClrPropertyGetter? _getter;
    private readonly bool _objectHoldsCurrentValue;

    public AuditedProperty(IProperty property, string path, PropertyAuditRule rule)
    {
        Property = property;
        Path = path;
        Rule = rule;

        // The model's comparer, so "changed" means what EF Core itself means by it (value converters, byte arrays).
        _comparer = property.GetValueComparer();

        // A CLR property of the entity itself is read straight from the object: EntityEntry.CurrentValues builds a
        // PropertyValues (and with it a few more objects) on every call. Shadow and indexer properties, and those
        // of complex types, have no such direct path and are read through PropertyValues.
        if (property.DeclaringType is IEntityType && !property.IsShadowProperty() && !property.IsIndexerProperty())
        {
            _getter = property.GetGetter();

            // EF Core keeps temporary values and store-generated values not yet accepted beside the entity, not in
            // it; only keys, foreign keys and generated properties can have them.
            _objectHoldsCurrentValue = !property.IsKey() && !property.IsForeignKey() && property.ValueGenerated == ValueGenerated.Never;
        }
    }

    public AuditedProperty(IComplexProperty collection, string path, PropertyAuditRule rule, IReadOnlyDictionary<string, PropertyAuditRule> elementRules)
    {
        Collection = collection;
        Path = path;
        Rule = rule;
        ElementRules = elementRules;
    }

    /// <summary>The scalar property, or <see langword="null"/> for a complex collection.</summary>
    public IProperty? Property { get; }

    /// <summary>The complex collection (EF Core 10), recorded as one JSON array.</summary>
    public IComplexProperty? Collection { get; }

    /// <summary>The name in events, relative to the owning entity: <c>Name</c>, <c>Address.City</c> (complex property).</summary>
    public string Path { get; }

    public PropertyAuditRule Rule { get; }

    /// <summary>For a complex collection: masking rules of its elements' properties, by property name.</summary>
    public IReadOnlyDictionary<string, PropertyAuditRule>? ElementRules { get; }

    /// <summary>Whether the current value is always read from the entity object (see <see cref="ReadCurrent"/>).</summary>
    public bool ReadsFromObject => _getter is not null && _objectHoldsCurrentValue;

    public object? Read(PropertyValues values) => Property is not null ? values[Property] : values[Collection!];

    /// <summary>
    /// The current value of this property on <paramref name="entry"/>; <paramref name="currents"/> is the entry's
    /// <see cref="EntityEntry.CurrentValues"/>, fetched on first need and reused by the caller's next reads. The
    /// object itself is read when it holds the value EF Core tracks: always for a plain property, and for keys and
    /// generated values once the entry is <see cref="EntityState.Unchanged"/> (a save accepted its changes).
    /// </summary>
    public object? ReadCurrent(EntityEntry entry, ref PropertyValues? currents)
        => _getter is not null && (_objectHoldsCurrentValue || entry.State == EntityState.Unchanged)
            ? _getter.GetClrValueUsingContainingEntity(entry.Entity)
            : Read(currents ??= entry.CurrentValues);

    public bool ValuesEqual(object? left, object? right)
    {
        if (_comparer is not null)
        {
            return _comparer.Equals(left, right);
        }

        if (left is null || right is null)
        {
            return left is null && right is null;
        }

        return AuditValueEncoder.SameJson((IEnumerable)left, (IEnumerable)right);
    }
}
