using System.Collections;
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

    public AuditedProperty(IProperty property, string path, PropertyAuditRule rule)
    {
        Property = property;
        Path = path;
        Rule = rule;

        // The model's comparer, so "changed" means what EF Core itself means by it (value converters, byte arrays).
        _comparer = property.GetValueComparer();
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

    public object? Read(PropertyValues values) => Property is not null ? values[Property] : values[Collection!];

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
