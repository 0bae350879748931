using System.Data.Common;

namespace AuditKit.Server.Storage.Postgres;

/// <summary>PostgreSQL: native uuid and timestamptz; search through the generated tsvector.</summary>
internal sealed class PostgresSqlDialect : AuditSqlDialect
{
    public static PostgresSqlDialect Instance { get; } = new();

    // plainto_tsquery ANDs the words it is given and has no syntax of its own.
    public override string SearchPredicate(string parameter) =>
        $"e.{PostgresAuditDbContext.SearchVectorColumn} @@ plainto_tsquery('{PostgresAuditDbContext.SearchConfiguration}', {parameter})";

    public override string? SearchValue(string search) =>
        SearchWords.Split(search) is { Count: > 0 } words ? string.Join(' ', words) : null;

    public override string TimeBucket(AuditTimeBucket bucket, string column) =>
        $"date_trunc('{(bucket == AuditTimeBucket.Day ? "day" : "hour")}', {column}, 'UTC')";

    public override bool SupportsGroupingSets => true;

    public override object IdValue(Guid id) => id;

    public override object TimeValue(DateTimeOffset value) => value.ToUniversalTime();

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);
}
