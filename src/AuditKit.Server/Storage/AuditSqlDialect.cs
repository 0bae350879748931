using System.Data.Common;

namespace AuditKit.Server.Storage;

/// <summary>What differs between the providers in the SQL the event store writes: value encodings and full-text search.</summary>
internal abstract class AuditSqlDialect
{
    /// <summary>A WHERE predicate (over alias <c>e</c>) matching the full-text search in parameter <paramref name="parameter"/>.</summary>
    public abstract string SearchPredicate(string parameter);

    /// <summary>The search text in the provider's query syntax, or null when it holds no word (then nothing matches).</summary>
    public abstract string? SearchValue(string search);

    /// <summary>
    /// The start of the UTC hour or day holding <paramref name="column"/> (a stored time), as the provider stores
    /// times, so <see cref="ReadTime"/> reads it.
    /// </summary>
    public abstract string TimeBucket(AuditTimeBucket bucket, string column);

    /// <summary>
    /// Whether the provider computes several GROUP BYs in one scan (<c>GROUPING SETS</c>); otherwise a summary is
    /// one grouped SELECT per dimension.
    /// </summary>
    public abstract bool SupportsGroupingSets { get; }

    public abstract object IdValue(Guid id);

    public abstract object TimeValue(DateTimeOffset value);

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    public virtual Guid ReadId(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);
}
