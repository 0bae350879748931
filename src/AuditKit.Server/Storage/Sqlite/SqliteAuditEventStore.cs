using AuditKit.Server.Actions;
using Microsoft.Data.Sqlite;

namespace AuditKit.Server.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode (readers never wait for the writer). A batch is one
/// <c>BEGIN IMMEDIATE</c> transaction of a prepared <c>INSERT … ON CONFLICT DO NOTHING</c>; a writer that finds the
/// file locked retries for the connection's default timeout (Microsoft.Data.Sqlite's busy handling).
/// </summary>
internal sealed class SqliteAuditEventStore(
    SqliteStorageConnection storage, AuditStorageMetrics? metrics = null, bool summaryRollup = true, ActionVocabulary? actions = null)
    : RelationalAuditEventStore(SqliteSqlDialect.Instance, AuditStorageProvider.Sqlite, metrics, summaryRollup, actions)
{
    private static readonly string s_insertSql =
        $"INSERT INTO {AuditDbContext.EventsTable} ({AuditEventColumns.List}) VALUES (" +
        string.Join(", ", AuditEventColumns.Names.Select((_, i) => "@c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))) +
        ") ON CONFLICT (tenant_id, id) DO NOTHING";

    protected override async Task<bool[]> WriteAsync(
        List<AuditEventRow> rows, AuditInsertHooks hooks, CancellationToken cancellationToken)
    {
        // Salts, digests and canonical bytes before the write transaction, which admits one writer at a time.
        var chain = AuditChainBatch.Prepare(rows);
        await using var connection = await storage.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await hooks.RunBeforeAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = s_insertSql;
        var parameters = new SqliteParameter[AuditEventColumns.Names.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] = command.Parameters.Add(new SqliteParameter { ParameterName = "@c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        command.Prepare();
        var inserted = new bool[rows.Count];

        // The write transaction admits one writer, so the head read here stays the head until the commit. Each row is
        // linked as if new; a duplicate (not written) leaves the head where it was for the next.
        var tenantId = rows[0].TenantId;
        var head = await AuditChain.LockHeadAsync(connection, transaction, Dialect, tenantId, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < rows.Count; i++)
        {
            chain.LinkAt(i, head);
            Bind(parameters, rows[i]);
            inserted[i] = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            if (inserted[i])
            {
                head = (rows[i].Seq, rows[i].Hash!);
            }
        }

        if (inserted.Any(static x => x))
        {
            await AuditChain.SaveHeadAsync(connection, transaction, tenantId, head, cancellationToken).ConfigureAwait(false);
        }

        if (hooks.Written is { } written)
        {
            await RunWrittenAsync(
                connection, transaction, rows[0].TenantId, written, [.. rows.Where((_, i) => inserted[i]).Select(static r => r.Id)], cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return inserted;
    }

    // SQLite has no replicas and no row-level security: every scope and intent opens the one file.
    protected override async ValueTask<DbConnection> OpenConnectionAsync(StorageScope scope, ConnectionIntent intent, CancellationToken cancellationToken) =>
        await storage.OpenAsync(cancellationToken).ConfigureAwait(false);

    private static void Bind(SqliteParameter[] p, AuditEventRow row)
    {
        var dialect = SqliteSqlDialect.Instance;
        object?[] values =
        [
            row.TenantId, dialect.IdValue(row.Id), dialect.TimeValue(row.Timestamp), dialect.TimeValue(row.ReceivedAt),
            row.Source, row.Action, row.Category,
            row.ResourceType, row.ResourceId, row.ResourceName, row.UserId, row.Username, row.UserEmail,
            (short)row.Status, (short)row.Severity, row.ServiceName, row.ServiceVersion,
            row.Method, row.Path, row.Route, row.Query, row.StatusCode, row.DurationMs,
            row.IpAddress, row.UserAgent, row.RequestId, row.TraceId, row.SessionId,
            row.Description, row.ErrorCode, row.ErrorMessage,
            row.Changes, row.OldValues, row.NewValues, row.Metadata, row.Tags, row.DataClassification,
            row.Seq, row.Hash, row.Salt, row.PersonalDigests, row.StackTrace, row.ActionCanonical,
        ];
        for (var i = 0; i < p.Length; i++)
        {
            p[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
