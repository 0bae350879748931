using System.Linq.Expressions;
using AuditKit.Masking;

namespace AuditKit.EfCore;

/// <summary>
/// Audit rules for one entity type: which properties are masked or left out, its soft-delete flag and how its
/// events are labelled. Property selectors may reach into owned types and complex properties
/// (<c>c =&gt; c.Address.City</c>); the rules apply to old values, new values and changes alike.
/// </summary>
/// <typeparam name="TEntity">The entity type; the rules also apply to types derived from it.</typeparam>
public sealed class EntityAuditBuilder<TEntity>
    where TEntity : class
{
    private readonly EntityAuditRules _rules;

    internal EntityAuditBuilder(EntityAuditRules rules)
    {
        _rules = rules;
    }

    /// <summary>Masks <paramref name="property"/> with <paramref name="style"/>.</summary>
    /// <param name="property">The property, e.g. <c>c =&gt; c.Ssn</c>.</param>
    /// <param name="style">How the value is masked.</param>
    /// <param name="keepLast">For <see cref="MaskStyle.Partial"/>: how many trailing characters stay readable.</param>
    public EntityAuditBuilder<TEntity> Mask<TProperty>(Expression<Func<TEntity, TProperty>> property, MaskStyle style = MaskStyle.Redact, int? keepLast = null)
    {
        if (keepLast is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(keepLast), keepLast, "keepLast must be zero or more.");
        }

        _rules.Properties[PropertyPath.Of(property)] = new PropertyAuditRule(Ignore: false, style, keepLast);
        return this;
    }

    /// <summary>Masks <paramref name="property"/> keeping only its last <paramref name="partial"/> characters (<see cref="MaskStyle.Partial"/>).</summary>
    public EntityAuditBuilder<TEntity> Mask<TProperty>(Expression<Func<TEntity, TProperty>> property, int partial)
        => Mask(property, MaskStyle.Partial, partial);

    /// <summary>Leaves <paramref name="property"/> out of audit events entirely; a change to it alone emits nothing.</summary>
    public EntityAuditBuilder<TEntity> Ignore<TProperty>(Expression<Func<TEntity, TProperty>> property)
    {
        _rules.Properties[PropertyPath.Of(property)] = new PropertyAuditRule(Ignore: true, null, null);
        return this;
    }

    /// <summary>Records a change of <paramref name="flag"/> to <see langword="true"/> as a DELETE with <c>soft: true</c>.</summary>
    public EntityAuditBuilder<TEntity> SoftDelete(Expression<Func<TEntity, bool>> flag)
    {
        _rules.SoftDeletePath = PropertyPath.Of(flag);
        return this;
    }

    /// <summary>Sets the severity of this entity's events (otherwise MEDIUM for writes, HIGH for deletes).</summary>
    public EntityAuditBuilder<TEntity> Severity(AuditSeverity severity)
    {
        _rules.Severity = severity;
        return this;
    }

    /// <summary>Sets the <c>category</c> of this entity's events (e.g. <c>customer</c>).</summary>
    public EntityAuditBuilder<TEntity> Category(string category)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(category);
        _rules.Category = category;
        return this;
    }

    /// <summary>Adds tags such as <c>GDPR</c> or <c>SOX</c> to this entity's events.</summary>
    public EntityAuditBuilder<TEntity> Tags(params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        foreach (var tag in tags)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(tag);
            _rules.Tags.Add(tag);
        }

        return this;
    }

    /// <summary>Sets the <c>data_classification</c> of this entity's events (e.g. <c>confidential</c>).</summary>
    public EntityAuditBuilder<TEntity> DataClassification(string classification)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(classification);
        _rules.DataClassification = classification;
        return this;
    }

    /// <summary>Sets the <c>resource_type</c> of this entity's events (default: the entity type's name).</summary>
    public EntityAuditBuilder<TEntity> ResourceType(string resourceType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceType);
        _rules.ResourceType = resourceType;
        return this;
    }
}
