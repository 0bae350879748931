using AuditKit.Masking;

namespace AuditKit.EfCore;

/// <summary>
/// How the EF Core interceptor audits entities: which types, which properties are masked or ignored, soft delete,
/// failures and set-based commands. Configure it with <see cref="Microsoft.Extensions.DependencyInjection.EntityAuditingServiceCollectionExtensions.AddEntityAuditing"/>;
/// it is validated when the application starts.
/// </summary>
/// <example>
/// <code>
/// services.AddEntityAuditing(o =&gt;
/// {
///     o.SoftDeleteProperty = "IsDeleted";
///     o.Entity&lt;Customer&gt;(e =&gt; e.Mask(c =&gt; c.Ssn, partial: 4).Ignore(c =&gt; c.Photo));
///     o.Exclude&lt;OutboxMessage&gt;();
/// });
/// </code>
/// </example>
public sealed class EntityAuditOptions
{
    private readonly Dictionary<Type, EntityAuditRules> _rules = [];
    private readonly HashSet<Type> _excluded = [];
    private readonly HashSet<string> _excludedNames = new(StringComparer.Ordinal);

    /// <summary>Which entity types are audited: all but the excluded ones (default) or only the included ones.</summary>
    public EntitySelection Selection { get; set; } = EntitySelection.AllExceptExcluded;

    /// <summary>
    /// The name of a <see cref="bool"/> property that marks an entity as deleted (e.g. <c>IsDeleted</c>). On every
    /// entity type that has it, a change of the flag to <see langword="true"/> is recorded as a DELETE with
    /// <c>soft: true</c> in the metadata. A per-entity <see cref="EntityAuditBuilder{TEntity}.SoftDelete"/> wins.
    /// </summary>
    public string? SoftDeleteProperty { get; set; }

    /// <summary>Whether a failed SaveChanges is recorded as one FAILURE event (default <see langword="true"/>).</summary>
    public bool RecordFailedSaves { get; set; } = true;

    /// <summary>
    /// Whether the FAILURE event carries the database's error message (default <see langword="true"/>). Turn it off
    /// when the provider is configured to put row values into its messages (e.g. Npgsql's <c>Include Error Detail</c>).
    /// </summary>
    public bool IncludeErrorMessage { get; set; } = true;

    /// <summary>
    /// Whether <c>ExecuteUpdate</c> / <c>ExecuteDelete</c> are recorded as <c>bulk</c> events (default
    /// <see langword="true"/>). With <c>AddEntityAuditing</c> they are seen by a command logger of the audited contexts, which
    /// leaves SaveChanges' commands as cheap as without auditing and costs other commands (queries, raw SQL) one command
    /// id each (see docs/bench-efcore.md). Turning it off also keeps the audited contexts on the EF Core service provider
    /// they would have without auditing.
    /// </summary>
    public bool CaptureBulkOperations { get; set; } = true;

    /// <summary>
    /// Whether bulk events show the values of parameters whose names are not sensitive. By default
    /// (<see langword="false"/>) every parameter value is masked with <see cref="BulkParameterStyle"/>, because a
    /// parameter cannot be tied to a column reliably.
    /// </summary>
    public bool RevealBulkParameterValues { get; set; }

    /// <summary>How bulk command parameter values are masked (default <see cref="MaskStyle.Redact"/>).</summary>
    public MaskStyle BulkParameterStyle { get; set; } = MaskStyle.Redact;

    /// <summary>
    /// Whether an entity attached with <c>Update()</c> (every property marked modified, no original values known)
    /// has its original values read from the database before saving, so its event lists only what really changed.
    /// Off by default: it costs one extra query per such entity, inside SaveChanges. When off, such an entity is
    /// recorded as an UPDATE with its new values only and <c>original_values_known: false</c> in the metadata.
    /// </summary>
    public bool ReloadDatabaseValuesForUpdatedEntities { get; set; }

    /// <summary>
    /// Which properties UPDATE events carry in old and new values: only the changed ones (default) or all of them.
    /// CREATE events always carry every new value and DELETE events every old value.
    /// </summary>
    public AuditedValues ValuesOnUpdate { get; set; } = AuditedValues.Changed;

    /// <summary>Strings longer than this are cut in old and new values (default 2048 characters); change detection uses the full value.</summary>
    public int MaxValueLength { get; set; } = 2048;

    /// <summary>Binary values up to this many bytes are recorded as base64 (default 64, enough for row versions); longer ones by length only.</summary>
    public int MaxBinaryLength { get; set; } = 64;

    /// <summary>The severity of CREATE and UPDATE events (default <see cref="AuditSeverity.Medium"/>).</summary>
    public AuditSeverity WriteSeverity { get; set; } = AuditSeverity.Medium;

    /// <summary>The severity of DELETE, bulk and failure events (default <see cref="AuditSeverity.High"/>).</summary>
    public AuditSeverity DeleteSeverity { get; set; } = AuditSeverity.High;

    /// <summary>Audits <typeparamref name="TEntity"/> (and types derived from it) with the rules set by <paramref name="configure"/>.</summary>
    public EntityAuditOptions Entity<TEntity>(Action<EntityAuditBuilder<TEntity>> configure)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(new EntityAuditBuilder<TEntity>(RulesFor(typeof(TEntity))));
        return this;
    }

    /// <summary>Audits <typeparamref name="TEntity"/> (and types derived from it); needed only with <see cref="EntitySelection.OnlyIncluded"/>.</summary>
    public EntityAuditOptions Include<TEntity>()
        where TEntity : class
    {
        RulesFor(typeof(TEntity));
        return this;
    }

    /// <summary>Never audits <typeparamref name="TEntity"/> (nor types derived from it).</summary>
    public EntityAuditOptions Exclude<TEntity>()
        where TEntity : class
        => Exclude(typeof(TEntity));

    /// <summary>Never audits <paramref name="entityType"/> (nor types derived from it).</summary>
    public EntityAuditOptions Exclude(Type entityType)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        _excluded.Add(entityType);
        return this;
    }

    /// <summary>
    /// Never audits the entity type named <paramref name="entityName"/> as EF Core names it: useful for shared-type
    /// entities such as many-to-many join tables (<c>PostTag</c>), which have no CLR type of their own.
    /// </summary>
    public EntityAuditOptions Exclude(string entityName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entityName);
        _excludedNames.Add(entityName);
        return this;
    }

    internal IReadOnlyDictionary<Type, EntityAuditRules> Rules => _rules;

    internal IReadOnlySet<Type> Excluded => _excluded;

    internal IReadOnlySet<string> ExcludedNames => _excludedNames;

    private EntityAuditRules RulesFor(Type type)
    {
        if (!_rules.TryGetValue(type, out var rules))
        {
            rules = new EntityAuditRules(type);
            _rules.Add(type, rules);
        }

        return rules;
    }
}
