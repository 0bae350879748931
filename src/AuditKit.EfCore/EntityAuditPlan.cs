using Microsoft.EntityFrameworkCore.Metadata;

namespace AuditKit.EfCore;

/// <summary>
/// Everything the interceptor needs to know about one entity type, worked out once from the model and the options:
/// whether it is audited, the properties it records with their masking, its key, table and labels.
/// </summary>
internal sealed class EntityAuditPlan
{
    public required IEntityType EntityType { get; init; }

    public required bool Audited { get; init; }

    public required string ResourceType { get; init; }

    public string? Table { get; init; }

    public string? Schema { get; init; }

    /// <summary>A many-to-many join entity (shared-type property bag): its rows are association events.</summary>
    public bool IsAssociation { get; init; }

    /// <summary>The recorded properties, including those of complex properties; ignored ones are absent.</summary>
    public required AuditedProperty[] Properties { get; init; }

    /// <summary>The primary key, in key order, with the rules that mask it in <c>resource_id</c>.</summary>
    public required AuditedProperty[] Key { get; init; }

    /// <summary>The index in <see cref="Properties"/> of the soft-delete flag, or -1.</summary>
    public int SoftDeleteIndex { get; init; } = -1;

    /// <summary>For an owned type: the navigation from its owner (<c>ShippingAddress</c>, <c>Lines</c>).</summary>
    public IForeignKey? Ownership { get; init; }

    /// <summary>For an owned type reached through a collection navigation: the key parts that tell elements apart.</summary>
    public AuditedProperty[] ElementKey { get; init; } = [];

    /// <summary>Whether this type owns other entity types, whose changes are folded into its events.</summary>
    public bool OwnsDependents { get; init; }

    public AuditSeverity? Severity { get; init; }

    public string? Category { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public string? DataClassification { get; init; }

    public bool IsOwned => Ownership is not null;

    public string OwnershipNavigation => Ownership?.PrincipalToDependent?.Name ?? EntityType.ShortName();

    public bool IsOwnedCollection => Ownership is { IsUnique: false };
}
