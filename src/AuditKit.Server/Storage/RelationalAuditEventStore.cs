using System.Data.Common;
using System.Diagnostics;

namespace AuditKit.Server.Storage;

/// <summary>
/// What both providers do the same way: reads by id, list queries with filters, sorting, offset and keyset paging,
/// and the dedup bookkeeping of an insert. Providers add how a connection is opened and how a batch is written.
/// </summary>
internal abstract class RelationalAuditEventStore(AuditSqlDialect dialect, AuditStorageProvider provider, AuditStorageMetrics? metrics)
    : IAuditEventStore
{
    protected AuditSqlDialect Dialect { get; } = dialect;

    public async Task<IReadOnlyList<AuditInsertOutcome>> InsertAsync(
        string tenantId, IReadOnlyList<AuditEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(events);

        // Ids repeated within the batch are duplicates before the database is asked (the first occurrence wins).
        var outcomes = new AuditInsertOutcome[events.Count];
        var toWrite = new List<int>(events.Count);
        var seen = new HashSet<Guid>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            if (seen.Add(events[i].Id))
            {
                toWrite.Add(i);
            }
            else
            {
                outcomes[i] = AuditInsertOutcome.Duplicate;
            }
        }

        if (toWrite.Count > 0)
        {
            var started = Stopwatch.GetTimestamp();
            var rows = toWrite.Select(index => AuditEventRow.From(tenantId, events[index], receivedAt)).ToList();
            var inserted = await WriteAsync(rows, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < toWrite.Count; i++)
            {
                outcomes[toWrite[i]] = inserted[i] ? AuditInsertOutcome.Inserted : AuditInsertOutcome.Duplicate;
            }

            var stored = inserted.Count(x => x);
            metrics?.BatchWritten(provider, stored, events.Count - stored, Stopwatch.GetElapsedTime(started));
        }

        return outcomes;
    }

    public async Task<AuditEvent?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {AuditEventColumns.SelectList} FROM {AuditDbContext.EventsTable} e WHERE e.tenant_id = @tenant_id AND e.id = @id";
        AddParameter(command, "@tenant_id", tenantId);
        AddParameter(command, "@id", Dialect.IdValue(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? AuditEventColumns.Read(reader, Dialect) : null;
    }

    public async Task<AuditEventPage> QueryAsync(string tenantId, AuditEventQuery query, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(query);
        var sql = AuditEventSql.Build(Dialect, tenantId, query);

        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        long? total = null;
        if (query.IncludeTotal)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = sql.CountSql;
            sql.Bind(count);
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        var items = new List<AuditEvent>(Math.Min(query.Limit + 1, 256));
        await using (var page = connection.CreateCommand())
        {
            page.CommandText = sql.PageSql;
            sql.Bind(page);
            await using var reader = await page.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(AuditEventColumns.Read(reader, Dialect));
            }
        }

        AuditCursor? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            var sortBy = query.Cursor?.SortBy ?? query.SortBy;
            var descending = query.Cursor?.Descending ?? query.Descending;
            var last = items[^1];
            next = new AuditCursor(sortBy, descending, AuditSortColumn.CursorValue(sortBy, last), last.Id);
        }

        return new AuditEventPage(items, total, next);
    }

    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT 1 FROM {AuditDbContext.EventsTable} LIMIT 1";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DbException)
        {
            return false;
        }
    }

    /// <summary>An open connection to the store.</summary>
    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="rows"/> (distinct ids, one tenant) in one transaction, skipping those already stored;
    /// returns, per row, whether it was written.
    /// </summary>
    protected abstract Task<bool[]> WriteAsync(List<AuditEventRow> rows, CancellationToken cancellationToken);

    protected static void AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
