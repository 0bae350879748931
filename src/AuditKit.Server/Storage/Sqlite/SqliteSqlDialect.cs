using System.Data.Common;
using System.Globalization;

namespace AuditKit.Server.Storage.Sqlite;

/// <summary>SQLite: ids as upper-case TEXT, times as INTEGER microseconds; search through the FTS5 table.</summary>
internal sealed class SqliteSqlDialect : AuditSqlDialect
{
    public static SqliteSqlDialect Instance { get; } = new();

    public override string SearchPredicate(string parameter) =>
        $"e.rowid IN (SELECT rowid FROM {SqliteAuditDbContext.SearchTable} WHERE {SqliteAuditDbContext.SearchTable} MATCH {parameter})";

    /// <summary>
    /// Every word becomes a quoted FTS5 string, so user input can never be read as FTS5 query syntax (which would
    /// fail on a stray quote or parenthesis); FTS5 ANDs them.
    /// </summary>
    public override string? SearchValue(string search) =>
        SearchWords.Split(search) is { Count: > 0 } words ? string.Join(' ', words.Select(w => "\"" + w + "\"")) : null;

    // Times are Unix microseconds, so whole UTC hours and days are plain integer multiples.
    public override string TimeBucket(AuditTimeBucket bucket, string column)
    {
        var width = (bucket == AuditTimeBucket.Day ? TimeSpan.FromDays(1) : TimeSpan.FromHours(1)).Ticks / TimeSpan.TicksPerMicrosecond;
        return $"(({column} / {width.ToString(CultureInfo.InvariantCulture)}) * {width.ToString(CultureInfo.InvariantCulture)})";
    }

    public override bool SupportsGroupingSets => false;

    public override object IdValue(Guid id) => id.ToString("D", CultureInfo.InvariantCulture).ToUpperInvariant();

    public override object TimeValue(DateTimeOffset value) => UnixMicrosecondsConverter.ToMicroseconds(value);

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        UnixMicrosecondsConverter.FromMicroseconds(reader.GetInt64(ordinal));
}
