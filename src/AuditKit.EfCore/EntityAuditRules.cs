namespace AuditKit.EfCore;

/// <summary>The rules configured for one CLR entity type through <see cref="EntityAuditBuilder{TEntity}"/>.</summary>
internal sealed class EntityAuditRules(Type entityType)
{
    public Type EntityType { get; } = entityType;

    /// <summary>Rules by dotted property path (<c>Ssn</c>, <c>Address.City</c>).</summary>
    public Dictionary<string, PropertyAuditRule> Properties { get; } = new(StringComparer.Ordinal);

    public string? SoftDeletePath { get; set; }

    public AuditSeverity? Severity { get; set; }

    public string? Category { get; set; }

    public List<string> Tags { get; } = [];

    public string? DataClassification { get; set; }

    public string? ResourceType { get; set; }
}
