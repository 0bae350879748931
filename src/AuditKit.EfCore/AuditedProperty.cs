using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace AuditKit.EfCore;

/// <summary>One property an event records: where to read it, its dotted name, how to compare and mask it.</summary>
internal sealed class AuditedProperty(IProperty property, string path, PropertyAuditRule rule)
{
    public IProperty Property { get; } = property;

    /// <summary>The name in events, relative to the owning entity: <c>Name</c>, <c>Address.City</c> (complex property).</summary>
    public string Path { get; } = path;

    public PropertyAuditRule Rule { get; } = rule;

    /// <summary>The model's comparer, so "changed" means what EF Core itself means by it (value converters, byte arrays).</summary>
    public ValueComparer Comparer { get; } = property.GetValueComparer();

    public bool ValuesEqual(object? left, object? right) => Comparer.Equals(left, right);
}
