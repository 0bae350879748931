namespace AuditKit.Server.Storage;

/// <summary>
/// The SQL of one summary (rows of <c>(dimension, key, bucket, n)</c>, see <see cref="AuditSummarySql.Dimension"/>),
/// its parameters, and whether it reads the hourly rollup (<see cref="AuditDbContext.HourlyTable"/>).
/// </summary>
internal sealed record AuditSummaryStatement(string Sql, AuditEventSql Parameters, bool FromRollup);
