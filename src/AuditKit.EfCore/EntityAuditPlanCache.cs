using System.Reflection;
using System.Runtime.CompilerServices;
using AuditKit.Masking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace AuditKit.EfCore;

/// <summary>
/// Builds and keeps one <see cref="EntityAuditPlan"/> per entity type. Keyed weakly by the model's entity type, so a
/// model that goes away takes its plans with it.
/// </summary>
internal sealed class EntityAuditPlanCache
{
    private readonly ConditionalWeakTable<IEntityType, EntityAuditPlan> _plans = new();
    private readonly ConditionalWeakTable<IEntityType, EntityAuditPlan>.CreateValueCallback _build;
    private readonly EntityAuditOptions _options;
    private readonly AuditMasker _masker;

    public EntityAuditPlanCache(EntityAuditOptions options, AuditMasker masker)
    {
        _options = options;
        _masker = masker;
        _build = Build;
    }

    public EntityAuditPlan For(IEntityType entityType)
        => _plans.TryGetValue(entityType, out var plan) ? plan : _plans.GetValue(entityType, _build);

    private EntityAuditPlan Build(IEntityType entityType)
    {
        var ownership = entityType.FindOwnership();
        EntityAuditPlan? ownerPlan = null;
        string rulePrefix;
        MergedRules rules;
        bool audited;
        if (ownership is not null)
        {
            ownerPlan = For(ownership.PrincipalEntityType);
            rules = RootRules(RootOwner(entityType));
            rulePrefix = OwnedRulePrefix(entityType);
            audited = ownerPlan.Audited;
        }
        else
        {
            rules = RootRules(entityType);
            rulePrefix = string.Empty;
            audited = IsAudited(entityType, rules);
        }

        var discriminator = entityType.FindDiscriminatorProperty();
        var properties = new List<AuditedProperty>();
        var softDeletePath = rules.SoftDeletePath ?? _options.SoftDeleteProperty;
        var softDeleteIndex = -1;
        foreach (var property in entityType.GetFlattenedProperties())
        {
            if (property == discriminator
                || (ownership is not null && (property.IsPrimaryKey() || ownership.Properties.Contains(property))))
            {
                continue;
            }

            var path = RelativePath(property);
            var rule = RuleFor(property, rulePrefix + path, rules);
            if (rule.Ignore)
            {
                continue;
            }

            if (softDeletePath is not null
                && string.Equals(path, softDeletePath, StringComparison.Ordinal)
                && (Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType) == typeof(bool))
            {
                softDeleteIndex = properties.Count;
            }

            properties.Add(new AuditedProperty(property, path, rule));
        }

        foreach (var collection in entityType.GetComplexProperties().Where(c => c.IsCollection))
        {
            var rule = ConfiguredRuleFor(collection, rulePrefix + collection.Name, rules);
            if (!rule.Ignore)
            {
                properties.Add(new AuditedProperty(collection, collection.Name, rule, ElementRules(collection, rulePrefix + collection.Name + ".", rules)));
            }
        }

        var key = entityType.FindPrimaryKey()?.Properties ?? [];
        var keyProperties = key
            .Select(p => new AuditedProperty(p, RelativePath(p), RuleFor(p, rulePrefix + RelativePath(p), rules) with { Ignore = false }))
            .ToArray();

        return new EntityAuditPlan
        {
            EntityType = entityType,
            Audited = audited,
            ResourceType = rules.ResourceType ?? entityType.ShortName(),
            Table = entityType.GetTableName(),
            Schema = entityType.GetSchema(),
            IsAssociation = ownership is null && IsAssociation(entityType),
            Properties = [.. properties],
            Key = keyProperties,
            SoftDeleteIndex = softDeleteIndex,
            Ownership = ownership,
            ElementKey = ownership is { IsUnique: false }
                ? [.. keyProperties.Where(k => !ownership.Properties.Contains(k.Property))]
                : [],
            OwnsDependents = entityType.GetNavigations().Any(n => !n.IsOnDependent && n.ForeignKey.IsOwnership),
            Severity = rules.Severity,
            Category = rules.Category,
            Tags = rules.Tags.Count > 0 ? rules.Tags : null,
            DataClassification = rules.DataClassification,
        };
    }

    private bool IsAudited(IEntityType entityType, MergedRules rules)
    {
        if (_options.ExcludedNames.Contains(entityType.Name) || _options.ExcludedNames.Contains(entityType.ShortName()))
        {
            return false;
        }

        if (IsAssociation(entityType))
        {
            // A join row is audited when either side of the association is.
            return entityType.GetForeignKeys().Any(fk => For(fk.PrincipalEntityType).Audited);
        }

        if (!entityType.HasSharedClrType && _options.Excluded.Any(t => t.IsAssignableFrom(entityType.ClrType)))
        {
            return false;
        }

        return _options.Selection == EntitySelection.AllExceptExcluded || rules.Configured;
    }

    private static bool IsAssociation(IEntityType entityType)
        => entityType.IsPropertyBag
            && entityType.GetForeignKeys().Any()
            && entityType.GetForeignKeys().All(fk => fk.GetReferencingSkipNavigations().Any());

    private PropertyAuditRule RuleFor(IProperty property, string rulePath, MergedRules rules)
    {
        var rule = ConfiguredRuleFor(property, rulePath, rules);

        // Without a key, a hash cannot be made; redacting is the only safe fallback. Configured rules are checked at
        // start-up, so this is reached only through an attribute.
        return rule.Style == MaskStyle.Hash && !_masker.CanHash ? rule with { Style = MaskStyle.Redact } : rule;
    }

    // The rule of a property or a complex collection: configured for its path, else its attribute, else its name's pattern.
    private PropertyAuditRule ConfiguredRuleFor(IPropertyBase property, string rulePath, MergedRules rules)
    {
        if (rules.Properties.TryGetValue(rulePath, out var configured))
        {
            return configured;
        }

        var member = (MemberInfo?)property.PropertyInfo ?? property.FieldInfo;
        if (member?.GetCustomAttribute<AuditSensitiveAttribute>(inherit: true) is { } attribute)
        {
            return new PropertyAuditRule(Ignore: false, attribute.Style, attribute.KeepLast);
        }

        return _masker.IsSensitiveName(property.Name)
            ? new PropertyAuditRule(Ignore: false, _masker.Options.DefaultStyle, null)
            : default;
    }

    /// <summary>The rules of a complex collection's element properties (attribute, name pattern), by property name.</summary>
    private Dictionary<string, PropertyAuditRule> ElementRules(IComplexProperty collection, string rulePrefix, MergedRules rules)
    {
        var result = new Dictionary<string, PropertyAuditRule>(StringComparer.Ordinal);
        foreach (var property in collection.ComplexType.GetProperties())
        {
            var rule = RuleFor(property, rulePrefix + property.Name, rules);
            if (rule.Ignore || rule.Masks)
            {
                result[property.Name] = rule;
            }
        }

        return result;
    }

    private MergedRules RootRules(IEntityType entityType)
    {
        var merged = new MergedRules();
        if (entityType.HasSharedClrType)
        {
            return merged;
        }

        // Most general first, so rules on a derived type override those on its base.
        foreach (var rules in _options.Rules.Values
                     .Where(r => r.EntityType.IsAssignableFrom(entityType.ClrType))
                     .OrderBy(r => Depth(r.EntityType)))
        {
            merged.Configured = true;
            foreach (var (path, rule) in rules.Properties)
            {
                merged.Properties[path] = rule;
            }

            merged.SoftDeletePath = rules.SoftDeletePath ?? merged.SoftDeletePath;
            merged.Severity = rules.Severity ?? merged.Severity;
            merged.Category = rules.Category ?? merged.Category;
            merged.DataClassification = rules.DataClassification ?? merged.DataClassification;
            merged.ResourceType = rules.ResourceType ?? merged.ResourceType;
            merged.Tags.AddRange(rules.Tags.Where(t => !merged.Tags.Contains(t)));
        }

        return merged;
    }

    private static int Depth(Type type)
    {
        var depth = 0;
        for (var t = type; t is not null; t = t.BaseType)
        {
            depth++;
        }

        return type.IsInterface ? 0 : depth;
    }

    private static IEntityType RootOwner(IEntityType entityType)
    {
        var current = entityType;
        while (current.FindOwnership() is { } ownership)
        {
            current = ownership.PrincipalEntityType;
        }

        return current;
    }

    private static string OwnedRulePrefix(IEntityType entityType)
    {
        var segments = new List<string>();
        var current = entityType;
        while (current.FindOwnership() is { } ownership)
        {
            segments.Add(ownership.PrincipalToDependent?.Name ?? current.ShortName());
            current = ownership.PrincipalEntityType;
        }

        segments.Reverse();
        return string.Join('.', segments) + ".";
    }

    /// <summary>The property's dotted path within its entity type: complex properties prefix their members' names.</summary>
    private static string RelativePath(IProperty property)
    {
        if (property.DeclaringType is not IComplexType)
        {
            return property.Name;
        }

        var segments = new List<string> { property.Name };
        var declaring = property.DeclaringType;
        while (declaring is IComplexType complexType)
        {
            segments.Add(complexType.ComplexProperty.Name);
            declaring = complexType.ComplexProperty.DeclaringType;
        }

        segments.Reverse();
        return string.Join('.', segments);
    }

    private sealed class MergedRules
    {
        public bool Configured { get; set; }

        public Dictionary<string, PropertyAuditRule> Properties { get; } = new(StringComparer.Ordinal);

        public string? SoftDeletePath { get; set; }

        public AuditSeverity? Severity { get; set; }

        public string? Category { get; set; }

        public string? DataClassification { get; set; }

        public string? ResourceType { get; set; }

        public List<string> Tags { get; } = [];
    }
}
