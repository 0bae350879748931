using AuditKit.Server.Actions;
using Npgsql;
using NpgsqlTypes;

namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// The PostgreSQL store. A batch (its ids already distinct) is written in one transaction by binary COPY, which
/// moves the rows in one round trip with no per-row statement cost. PostgreSQL refuses COPY into a table under
/// row-level security, so the rows are copied into a temporary table of the session and moved into
/// <c>audit_events</c> by one INSERT, which the tenant policy checks.
/// <para>
/// A tenant's writes extend its hash chain, whose head (its <c>audit_chain_heads</c> row) orders them. The common
/// case, a batch of new events with no work of its own before the insert, does not lock the head before it moves its
/// rows: it copies them into the staging table (seq and hash placeholders), links them in memory after the head the
/// tenant's previous write in this process will leave (see <see cref="ChainTails"/>; the committed head when none is in
/// flight), moves them into the table with their seqs and hashes — the index maintenance, most of the database's work,
/// while the previous write may still hold the head — and only then advances the head by a conditional update from the
/// head it linked after, which waits in the database for the previous write's commit. Then it counts its rows into
/// the hourly rollup itself (the trigger leaves its inserts to it, see <see cref="HourlyRollupSql"/>), so every writer
/// takes a tenant's head before its rollup rows and no two writes deadlock over them. So two writes of a tenant
/// (<see cref="AuditGroupCommit"/> keeps two in flight) use two cores where the head used to serialize them.
/// </para>
/// <para>
/// When the prediction misses — the head was not what the write linked after (another process wrote the tenant, the
/// write before failed), a seq another writer took (on a table not yet partitioned, where seqs are unique), a deadlock the
/// database broke (over an id that a writer of another process stores at the same time) — the transaction is rolled back and
/// the batch is written the way every batch was before (and, when another process wrote the tenant, the tenant's next
/// writes here too, for a while: see <see cref="ChainTails"/>): alone in this process (<see cref="ChainTails.EnterAloneAsync"/>),
/// with the head locked first (<c>SELECT … FOR UPDATE</c>), the rows linked after it and the rollup counted by the
/// trigger, retried on a deadlock. So do a batch with work before the insert (which may take heads itself) and a
/// tenant's first batch. When the move fails on the primary key (a retried batch, or an id another request stored), the
/// batch takes the dedup path, alone and with the head locked first: the ids already stored are read, and only the
/// others are linked and copied — no other writer of the tenant can store one of them meanwhile, since every writer
/// holds the head. With detection on, each path also writes the batch's detection outbox row (the ids of the new
/// events) before it commits. docs/bench-ingest.md has the numbers behind this.
/// </para>
/// Reads that may be stale go through <see cref="PostgresConnections"/> (to a read replica, when configured).
/// Writes go through a pool of their own (<see cref="PostgresIngestDataSource"/>), not reset between batches, so the
/// staging table is made once per connection and the move's constant statement is auto-prepared per connection; each write
/// transaction sets its tenant for itself. After a commit the rows are reported to
/// <see cref="PostgresPartitionStatistics"/>, which has a partition analyzed when a tenant new to it writes there (off
/// the request path).
/// </summary>
internal sealed class PostgresAuditEventStore(
    NpgsqlDataSource dataSource, AuditStorageMetrics? metrics = null, bool copyStraightIntoTable = true, bool summaryRollup = true,
    ActionVocabulary? actions = null, PostgresConnections? connections = null, PostgresIngestDataSource? ingest = null,
    PostgresPartitionStatistics? statistics = null, TimeProvider? timeProvider = null)
    : RelationalAuditEventStore(PostgresSqlDialect.Instance, AuditStorageProvider.Postgres, metrics, summaryRollup, actions, AuditGroupCommit.MaxInFlight)
{
    // The writes' pool: the store's own, not reset between users, so the staging table outlives a batch (see
    // PostgresIngestDataSource); without it (benchmarks, tests of the store alone) the shared one, reset on every return.
    private readonly NpgsqlDataSource _writes = ingest?.DataSource ?? dataSource;

    // PostgreSQL refuses COPY FROM into a table under row-level security: the batch is copied into a temporary table of
    // the session (emptied at every commit) and moved from there by one INSERT, which the tenant policy checks.
    private const string Incoming = "audit_events_incoming";

    private static readonly string s_prepareSql =
        $"CREATE TEMPORARY TABLE IF NOT EXISTS {Incoming} (LIKE {AuditDbContext.EventsTable}) ON COMMIT DELETE ROWS";

    private static readonly string s_copyIncomingSql = $"COPY {Incoming} ({AuditEventColumns.List}) FROM STDIN (FORMAT BINARY)";

    private static readonly string s_moveSql =
        $"INSERT INTO {AuditDbContext.EventsTable} ({AuditEventColumns.List}) SELECT {AuditEventColumns.List} FROM {Incoming}";

    // The move of rows staged before the head lock: each row's seq and hash, known once the head is locked, are joined in
    // by id from three arrays, every other column taken as staged. The text never changes, so each connection of the
    // write pool prepares it once (auto-prepare).
    private static readonly string s_moveLinkedSql =
        $"INSERT INTO {AuditDbContext.EventsTable} ({AuditEventColumns.List}) " +
        $"SELECT {string.Join(", ", AuditEventColumns.Names.Select(static n => n is "seq" or "hash" ? "l." + n : "i." + n))} " +
        $"FROM {Incoming} i JOIN unnest(@ids::uuid[], @seqs::bigint[], @hashes::bytea[]) AS l(id, seq, hash) ON l.id = i.id";

    // The rows each linked write counts into the hourly rollup, after its head (the trigger leaves them to it).
    private static readonly string s_rollupSql = HourlyRollupSql.AddCounts(Incoming);

    private static readonly string s_rollupByWriterSql = $"SELECT set_config('{HourlyRollupSql.Setting}', '{HourlyRollupSql.ByWriter}', true)";

    private readonly ChainTails _tails = new(timeProvider ?? TimeProvider.System);

    // The seqs of the rows written with the chain off (see Chain): unique in this process, never a chain's.
    private long _unchainedSeq;

    /// <summary>
    /// Whether rows are linked into their tenant's chain; always on, except where a benchmark turns it off to measure
    /// what the chain costs in the same build and run. Off, the store skips everything the chain adds (no canonical
    /// bytes, no head lock, read or save; hash, salt and personal digests stored NULL; seq from a counter of this
    /// process) and what it stores cannot be verified, so no configuration or request reaches this switch: the
    /// server's registered store keeps the default.
    /// </summary>
    internal bool Chain { get; init; } = true;

    /// <summary>
    /// Whether a batch of new events links after the predicted head and moves its rows before it takes the head (see
    /// above); on by default. Off, every write locks the head first and the trigger counts its rollup, as before: for
    /// a database migrated only up to before <c>HourlyRollupByWriter</c> (whose trigger would count the rows twice),
    /// and for benchmarks that compare the two in one build.
    /// </summary>
    internal bool LinkBeforeHead { get; init; } = true;

    protected override async Task<bool[]> WriteAsync(
        List<AuditEventRow> rows, AuditInsertHooks hooks, CancellationToken cancellationToken)
    {
        // The chain's costly part (salts, digests, canonical bytes) is done before the connection is even taken; only
        // the hashing, which needs the previous hash, waits for the tenant's head.
        var chain = Chain ? AuditChainBatch.Prepare(rows) : Unchained(rows);
        var tenantId = rows[0].TenantId;
        // No session-level tenant: every transaction below sets its own (BeginAsync), which ends with it.
        await using var connection = await _writes.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var copy = copyStraightIntoTable;
        if (chain is not null && copy && LinkBeforeHead && hooks.Before is null && !_tails.HeadFirst(tenantId))
        {
            switch (await TryLinkedAsync(connection, rows, chain, hooks, cancellationToken).ConfigureAwait(false))
            {
                case LinkedWrite.Committed:
                    return Reported(static _ => true);
                case LinkedWrite.Stored:
                    copy = false;
                    break;
            }
        }

        var alone = chain is null ? null : await _tails.EnterAloneAsync(tenantId, cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    if (copy && await TryCopyIntoTableAsync(connection, rows, chain, hooks, cancellationToken).ConfigureAwait(false))
                    {
                        return Reported(static _ => true);
                    }

                    var inserted = await InsertNewAsync(connection, rows, chain, hooks, cancellationToken).ConfigureAwait(false);
                    return Reported(row => inserted.Contains(row.Id));
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < MaxAttempts)
                {
                    // A writer of another process linked after the head this one now holds (see TryLinkedAsync); the
                    // database broke the cycle by rolling this transaction back: write again.
                }
            }
        }
        finally
        {
            if (alone is not null)
            {
                await alone.EndAsync(committed: true).ConfigureAwait(false);
            }
        }

        // After a commit: the rows reported to the partition statistics, and per row whether it was written.
        bool[] Reported(Func<AuditEventRow, bool> written)
        {
            statistics?.Written(tenantId, rows);
            return [.. rows.Select(written)];
        }
    }

    /// <summary>How often a write that locks the head first is tried when the database breaks a deadlock.</summary>
    internal const int MaxAttempts = 3;

    private enum LinkedWrite
    {
        /// <summary>Written and committed.</summary>
        Committed,

        /// <summary>Nothing written: the head or a seq was not what was predicted; to be written with the head locked first.</summary>
        Missed,

        /// <summary>Nothing written: an id is stored already; to be written by the dedup path.</summary>
        Stored,
    }

    /// <summary>
    /// Writes new rows linked after the head predicted for the tenant (see <see cref="ChainTails"/>), moving them into
    /// the table before the head is taken; commits, or rolls back and says why not.
    /// </summary>
    private async Task<LinkedWrite> TryLinkedAsync(
        NpgsqlConnection connection, List<AuditEventRow> rows, AuditChainBatch chain, AuditInsertHooks hooks, CancellationToken cancellationToken)
    {
        var tenantId = rows[0].TenantId;
        await using var transaction = await BeginAsync(connection, tenantId, cancellationToken, rollupByWriter: true).ConfigureAwait(false);
        await StageAsync(connection, rows, placeholderLinks: true, cancellationToken).ConfigureAwait(false);
        var ticket = await _tails.EnterLinkedAsync(
            tenantId, rows, chain, ct => AuditChain.ReadCommittedHeadAsync(connection, transaction, tenantId, ct), cancellationToken).ConfigureAwait(false);
        if (ticket is null)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return LinkedWrite.Missed;
        }

        var outcome = LinkedWrite.Missed;
        try
        {
            await MoveLinkedAsync(connection, rows, cancellationToken).ConfigureAwait(false);
            if (!await ticket.PredecessorTookHeadAsync(cancellationToken).ConfigureAwait(false))
            {
                return outcome;
            }

            if (!await AuditChain.AdvanceHeadAsync(connection, transaction, tenantId, ticket.After, ticket.Linked, cancellationToken).ConfigureAwait(false))
            {
                // The write before it here took the head and left what this one linked after: another process moved it.
                _tails.Missed(tenantId);
                return outcome;
            }

            ticket.HeadTaken();
            await using (var rollup = new NpgsqlCommand(s_rollupSql, connection))
            {
                await rollup.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (hooks.Written is { } written)
            {
                await RunWrittenAsync(connection, transaction, tenantId, written, [.. rows.Select(static r => r.Id)], cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            outcome = LinkedWrite.Committed;
            return outcome;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && IsPrimaryKey(e.ConstraintName))
        {
            outcome = LinkedWrite.Stored;
            return outcome;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected)
        {
            // A seq or an id another process's writer stored meanwhile.
            _tails.Missed(tenantId);
            return outcome;
        }
        finally
        {
            if (outcome != LinkedWrite.Committed)
            {
                await RollBackQuietlyAsync(transaction).ConfigureAwait(false);
            }

            await ticket.EndAsync(outcome == LinkedWrite.Committed).ConfigureAwait(false);
        }
    }

    // Before the writes after it may go on: what failed the transaction may also have broken the connection, which is
    // then dropped with its transaction.
    private static async Task RollBackQuietlyAsync(NpgsqlTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
        }
    }

    // With the chain off: a seq of this process for each row, and none of the chain's columns.
    private AuditChainBatch? Unchained(List<AuditEventRow> rows)
    {
        foreach (var row in rows)
        {
            row.Seq = Interlocked.Increment(ref _unchainedSeq);
            row.Hash = null;
            row.Salt = null;
            row.PersonalDigests = null;
        }

        return null;
    }

    /// <summary>Copies the rows into the table and commits; false, with nothing written, when one is already stored.</summary>
    private async Task<bool> TryCopyIntoTableAsync(
        NpgsqlConnection connection, List<AuditEventRow> rows, AuditChainBatch? chain, AuditInsertHooks hooks, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(connection, rows[0].TenantId, cancellationToken).ConfigureAwait(false);

        // Staged before anything takes a lock (the Before work may take other tenants' heads, the head is taken below):
        // neither is held while the rows are encoded and streamed. With the chain off the rows carry their seqs already.
        await StageAsync(connection, rows, placeholderLinks: chain is not null, cancellationToken).ConfigureAwait(false);
        await hooks.RunBeforeAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

        var tenantId = rows[0].TenantId;
        var head = chain is null ? default : chain.Link(await AuditChain.LockHeadAsync(connection, transaction, Dialect, tenantId, cancellationToken).ConfigureAwait(false));
        try
        {
            await (chain is null ? MoveAsync(connection, cancellationToken) : MoveLinkedAsync(connection, rows, cancellationToken)).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && IsPrimaryKey(e.ConstraintName))
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (chain is not null)
        {
            await AuditChain.SaveHeadAsync(connection, transaction, tenantId, head, cancellationToken).ConfigureAwait(false);
        }

        if (hooks.Written is { } written)
        {
            await RunWrittenAsync(connection, transaction, tenantId, written, [.. rows.Select(static r => r.Id)], cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Stores the rows not already stored, in one transaction; returns the ids it stored.</summary>
    private async Task<HashSet<Guid>> InsertNewAsync(
        NpgsqlConnection connection, List<AuditEventRow> rows, AuditChainBatch? chain, AuditInsertHooks hooks, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(connection, rows[0].TenantId, cancellationToken).ConfigureAwait(false);
        await hooks.RunBeforeAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

        var tenantId = rows[0].TenantId;
        var head = chain is null ? default : await AuditChain.LockHeadAsync(connection, transaction, Dialect, tenantId, cancellationToken).ConfigureAwait(false);
        var stored = await AuditChain.ReadLinksAsync(connection, transaction, Dialect, tenantId, [.. rows.Select(static r => r.Id)], cancellationToken)
            .ConfigureAwait(false);
        var fresh = rows.Where(row => !stored.ContainsKey(row.Id)).ToList();
        if (fresh.Count > 0)
        {
            head = chain is null ? head : chain.Link(head, stored.Keys.ToHashSet());
            await CopyAsync(connection, fresh, cancellationToken).ConfigureAwait(false);
            if (chain is not null)
            {
                await AuditChain.SaveHeadAsync(connection, transaction, tenantId, head, cancellationToken).ConfigureAwait(false);
            }
        }

        var inserted = fresh.Select(static r => r.Id).ToHashSet();
        if (hooks.Written is { } written)
        {
            await RunWrittenAsync(connection, transaction, tenantId, written, inserted, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return inserted;
    }

    /// <summary>
    /// Whether a unique violation is of the primary key: named so on the table, <c>audit_events_…_pkey</c> on each of
    /// its time partitions (which report their own index).
    /// </summary>
    private static bool IsPrimaryKey(string? constraint) =>
        constraint is "pk_audit_events" ||
        (constraint is not null && constraint.StartsWith("audit_events_", StringComparison.Ordinal) && constraint.EndsWith("_pkey", StringComparison.Ordinal));

    /// <summary>
    /// Begins a transaction that sees and writes the rows of <paramref name="tenantId"/> only, for as long as it lasts,
    /// with the staging table in place: one round trip (BEGIN, the tenant, <c>CREATE TEMPORARY TABLE IF NOT EXISTS</c>, and
    /// with <paramref name="rollupByWriter"/> the setting by which the transaction counts its inserts into the hourly
    /// rollup itself).
    /// On the write pool the table is created by a connection's first batch only; on a pool that is reset between users
    /// (<c>DISCARD ALL</c>) by every batch.
    /// </summary>
    private static async Task<NpgsqlTransaction> BeginAsync(
        NpgsqlConnection connection, string tenantId, CancellationToken cancellationToken, bool rollupByWriter = false)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands = { RowLevelSecurity.TransactionScope(StorageScope.Tenant(tenantId)), new NpgsqlBatchCommand(s_prepareSql) },
            };
            if (rollupByWriter)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(s_rollupByWriterSql));
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, List<AuditEventRow> rows, CancellationToken cancellationToken)
    {
        await StageAsync(connection, rows, placeholderLinks: false, cancellationToken).ConfigureAwait(false);
        await MoveAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies <paramref name="rows"/> into the staging table; with <paramref name="placeholderLinks"/>, each with seq 0
    /// and no hash, for <see cref="MoveLinkedAsync"/> to fill in.
    /// </summary>
    private static async Task StageAsync(NpgsqlConnection connection, List<AuditEventRow> rows, bool placeholderLinks, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(s_copyIncomingSql, cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            await WriteRowAsync(importer, row, placeholderLinks, cancellationToken).ConfigureAwait(false);
        }

        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves the staged rows into <c>audit_events</c> as staged.</summary>
    private static async Task MoveAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var move = new NpgsqlCommand(s_moveSql, connection);
        await move.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves the staged rows into <c>audit_events</c> with the seqs and hashes <paramref name="rows"/> now hold.</summary>
    private static async Task MoveLinkedAsync(NpgsqlConnection connection, List<AuditEventRow> rows, CancellationToken cancellationToken)
    {
        var (ids, seqs, hashes) = (new Guid[rows.Count], new long[rows.Count], new byte[rows.Count][]);
        for (var i = 0; i < rows.Count; i++)
        {
            (ids[i], seqs[i], hashes[i]) = (rows[i].Id, rows[i].Seq, rows[i].Hash!);
        }

        await using var move = new NpgsqlCommand(s_moveLinkedSql, connection)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { TypedValue = ids },
                new NpgsqlParameter<long[]>("seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = seqs },
                new NpgsqlParameter<byte[][]>("hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = hashes },
            },
        };
        await move.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // Without connections (benchmarks, tests of the store alone) every intent opens a connection of the data source.
    protected override async ValueTask<DbConnection> OpenConnectionAsync(StorageScope scope, ConnectionIntent intent, CancellationToken cancellationToken) =>
        connections is null
            ? await StorageConnections.OpenPostgresAsync(dataSource, scope, cancellationToken).ConfigureAwait(false)
            : await StorageConnections.ScopeAsync(
                await connections.OpenAsync(intent, cancellationToken).ConfigureAwait(false), scope, cancellationToken).ConfigureAwait(false);

    /// <summary>Writes one row in <see cref="AuditEventColumns.Names"/> order.</summary>
    internal static Task WriteRowAsync(NpgsqlBinaryImporter importer, AuditEventRow row, CancellationToken cancellationToken) =>
        WriteRowAsync(importer, row, placeholderLinks: false, cancellationToken);

    // With placeholderLinks, seq 0 (the column is NOT NULL) and no hash, whatever the row holds.
    private static async Task WriteRowAsync(NpgsqlBinaryImporter importer, AuditEventRow row, bool placeholderLinks, CancellationToken cancellationToken)
    {
        await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(row.TenantId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(row.Id, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(row.Timestamp, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(row.ReceivedAt, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(row.Source, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(row.Action, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.Category, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.ResourceType, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.ResourceId, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.ResourceName, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.UserId, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.Username, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.UserEmail, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync((short)row.Status, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync((short)row.Severity, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.ServiceName, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.ServiceVersion, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.Method, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.Path, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.Route, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.Query, cancellationToken).ConfigureAwait(false);
        if (row.StatusCode is { } statusCode)
        {
            await importer.WriteAsync(statusCode, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        }

        if (row.DurationMs is { } durationMs)
        {
            await importer.WriteAsync(durationMs, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        }

        await TextAsync(importer, row.IpAddress, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.UserAgent, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.RequestId, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.TraceId, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.SessionId, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.Description, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.ErrorCode, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.ErrorMessage, cancellationToken).ConfigureAwait(false);
        await JsonAsync(importer, row.Changes, cancellationToken).ConfigureAwait(false);
        await JsonAsync(importer, row.OldValues, cancellationToken).ConfigureAwait(false);
        await JsonAsync(importer, row.NewValues, cancellationToken).ConfigureAwait(false);
        await JsonAsync(importer, row.Metadata, cancellationToken).ConfigureAwait(false);
        await JsonAsync(importer, row.Tags, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.DataClassification, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(placeholderLinks ? 0L : row.Seq, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await BytesAsync(importer, placeholderLinks ? null : row.Hash, cancellationToken).ConfigureAwait(false);
        await BytesAsync(importer, row.Salt, cancellationToken).ConfigureAwait(false);
        await BytesAsync(importer, row.PersonalDigests, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.StackTrace, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, row.ActionCanonical, cancellationToken).ConfigureAwait(false);
    }

    private static Task BytesAsync(NpgsqlBinaryImporter importer, byte[]? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Bytea, cancellationToken);

    private static Task TextAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private static Task JsonAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Jsonb, cancellationToken);
}
