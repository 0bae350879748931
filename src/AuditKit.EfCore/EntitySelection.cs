namespace AuditKit.EfCore;

/// <summary>Which entity types are audited.</summary>
public enum EntitySelection
{
    /// <summary>Every entity type except those excluded with <see cref="EntityAuditOptions.Exclude{TEntity}"/> (opt-out; the default).</summary>
    AllExceptExcluded = 0,

    /// <summary>
    /// Only entity types named with <see cref="EntityAuditOptions.Include{TEntity}"/> or configured with
    /// <see cref="EntityAuditOptions.Entity{TEntity}"/> (opt-in).
    /// </summary>
    OnlyIncluded = 1,
}
