namespace AuditKit.Server.Tests.Integrity;

/// <summary>
/// Two writes of one tenant in flight per store on PostgreSQL (<see cref="RelationalAuditEventStore.WritesInFlight"/>
/// at 2, see <see cref="AuditGroupCommit"/>), the second linked after the head the first will leave and moved into the
/// table before it takes the head: the chain and the hourly rollup stay whole under concurrency from several stores
/// (whose predictions miss each other), a write that fails takes nothing of the chain with it — neither its group's other
/// requests nor the write linked after it — and the second write's move really overlaps the first one's hold.
/// </summary>
public sealed partial class PostgresAuditChainTests
{
    // How long a hook waits for the other write before the test fails instead of hanging (never reached when it passes).
    private static readonly TimeSpan s_stuck = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Concurrent_inserts_of_one_tenant_through_two_stores_keep_the_chain_whole_and_answer_the_stored_seqs_and_hashes()
    {
        var tenant = NewTenant();
        await using var otherProcess = BuildServices(StorageSettings());
        IAuditEventStore[] stores = [TwoInFlight(Services), TwoInFlight(otherProcess)];

        // Per store four callers, each inserting batches of 1 to 7 events one after another.
        var callers = stores.SelectMany(store => Enumerable.Range(0, 4).Select(caller => Task.Run(async () =>
        {
            var answered = new List<(Guid Id, AuditInsertResult Result)>();
            for (var batch = 0; batch < 6; batch++)
            {
                var events = Enumerable.Range(0, 1 + ((caller + batch) % 7)).Select(_ => NewEvent()).ToList();
                var results = await store.InsertLinkedAsync(tenant, events, s_received, AuditInsertHooks.None, default);
                answered.AddRange(events.Select((e, i) => (e.Id, results[i])));
            }

            return answered;
        }))).ToList();
        var all = (await Task.WhenAll(callers)).SelectMany(static a => a).ToList();

        all.ShouldAllBe(static a => a.Result.Outcome == AuditInsertOutcome.Inserted);
        all.Select(static a => a.Result.Seq!.Value).Order().ShouldBe(Enumerable.Range(1, all.Count).Select(static s => (long)s));
        var stored = await StoredLinksAsync(tenant);
        stored.Count.ShouldBe(all.Count);
        ShouldHoldTheAnswers(stored, all);

        await ShouldBeWholeAsync(tenant, all.Count);
    }

    [Fact]
    public async Task The_second_write_of_a_tenant_moves_its_rows_into_the_table_while_the_first_holds_the_head()
    {
        var (store, tenant) = await TenantWithOneEventAsync();
        var (holding, release) = (NewSignal(), NewSignal());

        // The first write, once it holds the head, waits to be released.
        var first = store.InsertLinkedAsync(tenant, [NewEvent()], s_received, new AuditInsertHooks(Written: (_, _, _, _, _, _) =>
        {
            holding.TrySetResult();
            return release.Task;
        }), default);
        await holding.Task.WaitAsync(s_stuck);
        // The second one waits for the head only to advance it: its rows are already in the table (uncommitted).
        var second = await WriteBesideTheHolderAsync(store, tenant, [NewEvent(), NewEvent(), NewEvent()], release);
        (await first).Single().Seq.ShouldBe(2);
        (await second).Select(static r => r.Seq).ShouldBe([3L, 4, 5]);
        await ShouldBeWholeAsync(tenant, 5);
    }

    [Fact]
    public async Task A_write_linked_after_one_that_fails_is_written_after_the_head_that_committed()
    {
        var (store, tenant) = await TenantWithOneEventAsync();
        var (holding, release) = (NewSignal(), NewSignal());
        var (refused, next) = (NewEvent(), new[] { NewEvent(), NewEvent() });

        // The first write holds the head, then fails; the second was linked after the head the first would have left.
        var first = store.InsertLinkedAsync(tenant, [refused], s_received, new AuditInsertHooks(Written: async (_, _, _, _, _, _) =>
        {
            holding.TrySetResult();
            await release.Task;
            throw new InvalidOperationException("refused");
        }), default);
        await holding.Task.WaitAsync(s_stuck);
        var second = await WriteBesideTheHolderAsync(store, tenant, next, release);
        (await Should.ThrowAsync<InvalidOperationException>(first)).Message.ShouldBe("refused");
        var answered = await second;
        answered.Select(static r => (r.Outcome, r.Seq)).ShouldBe([(AuditInsertOutcome.Inserted, 2L), (AuditInsertOutcome.Inserted, 3L)]);
        var stored = await StoredLinksAsync(tenant);
        stored.Count.ShouldBe(3);
        stored.ContainsKey(refused.Id).ShouldBeFalse();
        ShouldHoldTheAnswers(stored, next.Zip(answered, static (e, r) => (e.Id, r)));

        await ShouldBeWholeAsync(tenant, 3);
    }

    [Fact]
    public async Task A_group_that_fails_while_another_write_of_the_tenant_is_in_flight_leaves_the_chain_whole_and_the_other_write_stored()
    {
        var (store, tenant) = await TenantWithOneEventAsync();
        var (holding, release) = (NewSignal(), NewSignal());
        var (good, badEvent, other) = (NewEvent(), NewEvent(), new[] { NewEvent(), NewEvent() });

        // The first write holds the head; the second, in flight beside it, has moved its rows and waits for the head.
        var first = store.InsertLinkedAsync(tenant, [NewEvent()], s_received, new AuditInsertHooks(Written: (_, _, _, _, _, _) =>
        {
            holding.TrySetResult();
            return release.Task;
        }), default);
        await holding.Task.WaitAsync(s_stuck);
        var beside = store.InsertLinkedAsync(tenant, other, s_received, AuditInsertHooks.None, default);
        Task<IReadOnlyList<AuditInsertResult>> kept, bad;
        try
        {
            (await WaitsToAdvanceTheHeadAfterMovingItsRowsAsync()).ShouldBeTrue();

            // Queued behind both, written together once the first commits: a request that fails the group.
            kept = store.InsertLinkedAsync(tenant, [good], s_received, AuditInsertHooks.None, default);
            bad = store.InsertLinkedAsync(tenant, [badEvent], s_received, new AuditInsertHooks(Written: (_, _, _, _, _, _) =>
                throw new InvalidOperationException("refused")), default);
        }
        finally
        {
            release.TrySetResult();
        }

        (await first).Single().Seq.ShouldBe(2);
        (await Should.ThrowAsync<InvalidOperationException>(bad)).Message.ShouldBe("refused");
        var answered = (await kept).Concat(await beside).ToList();
        answered.ShouldAllBe(static r => r.Outcome == AuditInsertOutcome.Inserted);
        var stored = await StoredLinksAsync(tenant);
        stored.ContainsKey(badEvent.Id).ShouldBeFalse();
        ShouldHoldTheAnswers(stored, other.Prepend(good).Zip(answered, static (e, r) => (e.Id, r)));

        stored.Count.ShouldBe(5);
        await ShouldBeWholeAsync(tenant, 5);
    }

    [Fact]
    public async Task A_linked_write_that_the_database_rolls_back_to_break_a_deadlock_with_another_process_is_written_again()
    {
        var (store, tenant) = await TenantWithOneEventAsync();
        var retried = NewEvent();

        // Another process holds the head; the write links after the committed head, moves its row, waits for the head.
        await using var other = await OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await LockHeadAsync(other, tenant);
        var write = store.InsertLinkedAsync(tenant, [retried], s_received, AuditInsertHooks.None, default);
        (await WaitsToAdvanceTheHeadAfterMovingItsRowsAsync()).ShouldBeTrue();

        // The other process now stores the same event (a client's retry sent to it): each waits for the other. The
        // write waited first, so its deadlock check runs first and rolls it back; the other's insert then goes through.
        await InsertCopyOfFirstEventAsync(other, tenant, retried.Id);
        await transaction.RollbackAsync();

        await ShouldBeStoredSecondAsync(write, tenant);
    }

    [Fact]
    public async Task A_write_that_locks_the_head_first_is_written_again_when_the_database_rolls_it_back_to_break_a_deadlock()
    {
        var (store, tenant) = await TenantWithOneEventAsync();
        var retried = NewEvent();

        // Another process has stored (uncommitted) the same event, linked before it takes the head.
        await using var other = await OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await InsertCopyOfFirstEventAsync(other, tenant, retried.Id);

        // A write with work before its insert locks the head first, then waits for that row.
        var write = store.InsertLinkedAsync(tenant, [retried], s_received, new AuditInsertHooks(Before: (_, _, _) => Task.CompletedTask), default);
        (await WaitsForAnotherSessionAsync("INSERT INTO audit_events %")).ShouldBeTrue();

        // The other process now asks for the head: each waits for the other; the write waited first and is rolled back,
        // then written again once the other process is gone.
        await LockHeadAsync(other, tenant);
        await transaction.RollbackAsync();

        await ShouldBeStoredSecondAsync(write, tenant);
    }

    // A store as the server registers it, and a new tenant with its first event stored (the head exists).
    private async Task<(PostgresAuditEventStore Store, string Tenant)> TenantWithOneEventAsync()
    {
        var (store, tenant) = (TwoInFlight(Services), NewTenant());
        await store.InsertLinkedAsync(tenant, [NewEvent()], s_received, AuditInsertHooks.None, default);
        return (store, tenant);
    }

    // A write of the tenant started beside the one holding its head, once it has moved its rows and waits for the head;
    // the holder is released either way.
    private async Task<Task<IReadOnlyList<AuditInsertResult>>> WriteBesideTheHolderAsync(
        PostgresAuditEventStore store, string tenantId, AuditEvent[] events, TaskCompletionSource release)
    {
        var write = store.InsertLinkedAsync(tenantId, events, s_received, AuditInsertHooks.None, default);
        try
        {
            (await WaitsToAdvanceTheHeadAfterMovingItsRowsAsync()).ShouldBeTrue();
        }
        finally
        {
            release.TrySetResult();
        }

        return write;
    }

    // The write answered as stored with seq 2, the chain whole over both events and the rollup counting both once.
    private async Task ShouldBeStoredSecondAsync(Task<IReadOnlyList<AuditInsertResult>> write, string tenantId)
    {
        (await write.WaitAsync(s_stuck)).Single().ShouldSatisfyAllConditions(r => r.Outcome.ShouldBe(AuditInsertOutcome.Inserted), r => r.Seq.ShouldBe(2));
        await ShouldBeWholeAsync(tenantId, 2);
    }

    // The tenant's chain verifies over its events, seq 1 to the count, and the hourly rollup counts each of them once.
    private async Task ShouldBeWholeAsync(string tenantId, int events)
    {
        (await Verification.VerifyAsync(tenantId, null, null, default))
            .ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.VerifiedEvents.ShouldBe(events), v => v.LastSeq.ShouldBe(events));
        (await HourlyCountAsync(tenantId)).ShouldBe(events);
    }

    // A connection of another process to the test database.
    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task LockHeadAsync(NpgsqlConnection connection, string tenantId)
    {
        await using var command = new NpgsqlCommand("SELECT seq FROM audit_chain_heads WHERE tenant_id = @tenant FOR UPDATE", connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        await command.ExecuteScalarAsync();
    }

    // A copy of the tenant's first event under the given id, as another process's writer would store it (seq 2).
    private static async Task InsertCopyOfFirstEventAsync(NpgsqlConnection connection, string tenantId, Guid id)
    {
        var copied = string.Join(", ", AuditEventColumns.Names.Select(static n => n switch { "id" => "@id", "seq" => "@seq", _ => n }));
        await using var command = new NpgsqlCommand(
            $"INSERT INTO audit_events ({AuditEventColumns.List}) SELECT {copied} FROM audit_events WHERE tenant_id = @tenant AND seq = 1", connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("seq", 2L);
        (await command.ExecuteNonQueryAsync()).ShouldBe(1);
    }

    /// <summary>
    /// Whether, within <see cref="s_stuck"/>, a session of the database waits for a lock in a statement like
    /// <paramref name="statement"/>.
    /// </summary>
    private async Task<bool> WaitsForAnotherSessionAsync(string statement)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE @statement", connection);
        command.Parameters.AddWithValue("statement", statement);
        var deadline = DateTime.UtcNow + s_stuck;
        while (DateTime.UtcNow < deadline)
        {
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }

    /// <summary>
    /// Whether, within <see cref="s_stuck"/>, a session of the database waits for a chain head's lock while it
    /// holds the lock of a writer of <c>audit_events</c> (its move done, uncommitted).
    /// </summary>
    private async Task<bool> WaitsToAdvanceTheHeadAfterMovingItsRowsAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*) FROM pg_stat_activity a
            WHERE a.datname = current_database() AND a.wait_event_type = 'Lock' AND a.query LIKE 'SELECT seq, hash FROM audit_chain_heads%FOR UPDATE'
              AND EXISTS (SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                          WHERE l.pid = a.pid AND l.granted AND l.mode = 'RowExclusiveLock' AND c.relname = 'audit_events')
            """, connection);
        var deadline = DateTime.UtcNow + s_stuck;
        while (DateTime.UtcNow < deadline)
        {
            if (Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }

    /// <summary>The tenant's events as the hourly rollup counts them.</summary>
    private async Task<long> HourlyCountAsync(string tenantId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT coalesce(sum(event_count), 0)::bigint FROM audit_event_hourly WHERE tenant_id = @tenant", connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // A store as the server registers it (the same pools), with two writes of a tenant in flight.
    private static PostgresAuditEventStore TwoInFlight(IServiceProvider services) =>
        new(services.GetRequiredService<NpgsqlDataSource>(), ingest: services.GetRequiredService<PostgresIngestDataSource>())
        {
            WritesInFlight = AuditGroupCommit.MaxInFlight,
        };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Each answered event is stored with the seq and hash its insert answered.
    private static void ShouldHoldTheAnswers(Dictionary<Guid, (long Seq, byte[] Hash)> stored, IEnumerable<(Guid Id, AuditInsertResult Result)> answers)
    {
        foreach (var (id, result) in answers)
        {
            stored[id].Seq.ShouldBe(result.Seq!.Value);
            stored[id].Hash.ShouldBe(result.Hash);
        }
    }

    /// <summary>Every stored event of the tenant: its seq and hash, read as stored.</summary>
    private async Task<Dictionary<Guid, (long Seq, byte[] Hash)>> StoredLinksAsync(string tenantId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, seq, hash FROM audit_events WHERE tenant_id = @tenant", connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        var links = new Dictionary<Guid, (long, byte[])>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            links.Add(reader.GetGuid(0), (reader.GetInt64(1), (byte[])reader.GetValue(2)));
        }

        return links;
    }
}
