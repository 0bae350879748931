using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AuditKit.Server.Tests.Integrity;

/// <summary>
/// The per-tenant hash chain on each provider: numbering, links, duplicates, every writer, the upgrade of a database
/// holding events, and tampering done directly in the database with SQL — each found and named by verify.
/// </summary>
public abstract class AuditChainContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_received = new(2026, 3, 2, 8, 30, 0, TimeSpan.Zero);

    private ServiceProvider? _services;

    private protected IServiceProvider Services => _services!;

    /// <summary>The store under test: the one the server registers, unless a provider's class runs the contract on another.</summary>
    private protected virtual IAuditEventStore Events => Services.GetRequiredService<IAuditEventStore>();

    private protected AuditChainVerification Verification => Services.GetRequiredService<AuditChainVerification>();

    private protected abstract Dictionary<string, string?> StorageSettings();

    /// <summary>A new empty database: its settings, and how to drop it.</summary>
    private protected abstract Task<(Dictionary<string, string?> Settings, Func<Task> Drop)> NewDatabaseAsync();

    public async Task InitializeAsync()
    {
        _services = BuildServices(StorageSettings());
        await _services.GetRequiredService<AuditStorageInitializer>().InitializeAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    private protected static ServiceProvider BuildServices(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddAuditStorage(configuration);
        services.AddAuditIntegrity();
        return services.BuildServiceProvider();
    }

    private protected static string NewTenant() => "t-" + Guid.NewGuid().ToString("N")[..12];

    private protected static AuditEvent NewEvent(string? description = null) => new()
    {
        Id = Guid.CreateVersion7(),
        Timestamp = StorageTestEvents.BaseTime,
        Source = AuditSources.Http,
        Action = AuditActions.Update,
        Status = AuditStatus.Success,
        Severity = AuditSeverity.Medium,
        UserId = "alice",
        IpAddress = "203.0.113.7",
        Description = description ?? "changed",
        NewValues = new System.Text.Json.Nodes.JsonObject { ["b"] = 1, ["a"] = "x" },
        Tags = ["SOX"],
    };

    // ---- numbering and links

    [Fact]
    public async Task New_events_are_numbered_from_1_without_gaps_and_each_hash_links_to_the_one_before()
    {
        var tenant = NewTenant();
        var results = new List<AuditInsertResult>();
        results.AddRange(await Events.InsertLinkedAsync(tenant, [NewEvent(), NewEvent(), NewEvent()], s_received, AuditInsertHooks.None, default));
        results.AddRange(await Events.InsertLinkedAsync(tenant, [NewEvent()], s_received, AuditInsertHooks.None, default));
        results.AddRange(await Events.InsertLinkedAsync(tenant, [NewEvent(), NewEvent()], s_received, AuditInsertHooks.None, default));

        results.Select(static r => r.Seq).ShouldBe([1L, 2, 3, 4, 5, 6]);
        results.ShouldAllBe(static r => r.Outcome == AuditInsertOutcome.Inserted && r.Hash!.Length == 32);
        var verified = await Verification.VerifyAsync(tenant, null, null, default);
        verified.ShouldBe(new ChainVerification { Ok = true, VerifiedEvents = 6, FirstSeq = 1, LastSeq = 6, HeadHash = verified.HeadHash });
        verified.HeadHash.ShouldBe(results[^1].Hash);
    }

    [Fact]
    public async Task A_duplicate_gets_no_new_seq_and_answers_the_stored_seq_and_hash()
    {
        var tenant = NewTenant();
        var a = NewEvent();
        var b = NewEvent();
        var first = (await Events.InsertLinkedAsync(tenant, [a], s_received, AuditInsertHooks.None, default)).Single();

        var results = await Events.InsertLinkedAsync(tenant, [b, a, b], s_received, AuditInsertHooks.None, default);

        results[0].ShouldSatisfyAllConditions(r => r.Outcome.ShouldBe(AuditInsertOutcome.Inserted), r => r.Seq.ShouldBe(2));
        results[1].ShouldSatisfyAllConditions(r => r.Outcome.ShouldBe(AuditInsertOutcome.Duplicate), r => r.Seq.ShouldBe(1), r => r.Hash.ShouldBe(first.Hash));
        results[2].ShouldSatisfyAllConditions(r => r.Outcome.ShouldBe(AuditInsertOutcome.Duplicate), r => r.Seq.ShouldBe(2), r => r.Hash.ShouldBe(results[0].Hash));
        (await Events.InsertLinkedAsync(tenant, [NewEvent()], s_received, AuditInsertHooks.None, default)).Single().Seq.ShouldBe(3);
        (await Verification.VerifyAsync(tenant, null, null, default)).VerifiedEvents.ShouldBe(3);
    }

    [Fact]
    public async Task Each_tenant_has_a_chain_of_its_own()
    {
        var (one, two) = (NewTenant(), NewTenant());
        await Events.InsertLinkedAsync(one, [NewEvent(), NewEvent()], s_received, AuditInsertHooks.None, default);

        (await Events.InsertLinkedAsync(two, [NewEvent()], s_received, AuditInsertHooks.None, default)).Single().Seq.ShouldBe(1);
        (await Verification.VerifyAsync(one, null, null, default)).VerifiedEvents.ShouldBe(2);
        (await Verification.VerifyAsync(two, null, null, default)).VerifiedEvents.ShouldBe(1);
    }

    [Fact]
    public async Task Records_written_alongside_another_tenants_insert_are_chained_in_their_tenant()
    {
        var (mine, other) = (NewTenant(), NewTenant());
        await Events.InsertLinkedAsync(other, [NewEvent()], s_received, AuditInsertHooks.None, default);
        var alongside = Services.GetRequiredService<AuditTransactionEvents>();

        await Events.InsertLinkedAsync(mine, [NewEvent()], s_received, new AuditInsertHooks(Before: (connection, transaction, cancellationToken) =>
            alongside.AddAsync(other, [NewEvent(), NewEvent()], s_received, transaction, cancellationToken)), default);

        (await Verification.VerifyAsync(other, null, null, default)).ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.LastSeq.ShouldBe(3));
        (await Verification.VerifyAsync(mine, null, null, default)).ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.LastSeq.ShouldBe(1));
    }

    [Fact]
    public async Task A_range_links_after_the_stored_hash_before_it()
    {
        var tenant = NewTenant();
        await Events.InsertLinkedAsync(tenant, [NewEvent(), NewEvent(), NewEvent(), NewEvent()], s_received, AuditInsertHooks.None, default);

        var range = await Verification.VerifyAsync(tenant, 2, 3, default);

        range.ShouldSatisfyAllConditions(r => r.Ok.ShouldBeTrue(), r => r.VerifiedEvents.ShouldBe(2), r => r.FirstSeq.ShouldBe(2), r => r.LastSeq.ShouldBe(3));
        (await Verification.VerifyAsync(NewTenant(), null, null, default)).ShouldBe(new ChainVerification { Ok = true });
    }

    // ---- tampering, done in the database with SQL

    public static TheoryData<string, long, string> Tamperings() => new()
    {
        { "update one column", 3, ChainBreakReasons.HashMismatch },
        { "update a personal field", 4, ChainBreakReasons.HashMismatch },
        { "update a JSON field", 2, ChainBreakReasons.HashMismatch },
        { "delete one row", 3, ChainBreakReasons.Missing },
        { "delete the last row", 6, ChainBreakReasons.Missing },
        { "insert a row with a forged hash after the head", 7, ChainBreakReasons.HashMismatch },
        { "insert a row with a forged hash and move the head", 7, ChainBreakReasons.HashMismatch },
        { "swap two rows' seq", 2, ChainBreakReasons.Reordered },
        { "swap two neighbours' seq", 4, ChainBreakReasons.Reordered },
    };

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task Tampering_in_the_database_is_found_and_named(string tampering, long seq, string reason)
    {
        var tenant = NewTenant();
        await Events.InsertLinkedAsync(tenant, [NewEvent(), NewEvent(), NewEvent()], s_received, AuditInsertHooks.None, default);
        await Events.InsertLinkedAsync(tenant, [NewEvent(), NewEvent(), NewEvent()], s_received, AuditInsertHooks.None, default);
        (await Verification.VerifyAsync(tenant, null, null, default)).Ok.ShouldBeTrue();

        await TamperAsync(tenant, tampering);

        var verified = await Verification.VerifyAsync(tenant, null, null, default);
        verified.ShouldSatisfyAllConditions(
            v => v.Ok.ShouldBeFalse(),
            v => v.FirstBrokenSeq.ShouldBe(seq),
            v => v.Reason.ShouldBe(reason));
    }

    private protected async Task TamperAsync(string tenant, string tampering)
    {
        var forgedColumns = string.Join(", ", AuditEventColumns.Names.Select(static c => c switch
        {
            "id" => "@id",
            "seq" => "7",
            "hash" => "@hash",
            _ => c,
        }));
        string[] statements = tampering switch
        {
            "update one column" => ["UPDATE audit_events SET description = 'nothing happened' WHERE tenant_id = @tenant AND seq = 3"],
            "update a personal field" => ["UPDATE audit_events SET user_id = 'mallory' WHERE tenant_id = @tenant AND seq = 4"],
            "update a JSON field" => [$"UPDATE audit_events SET new_values = {JsonText("{\"b\":2,\"a\":\"x\"}")} WHERE tenant_id = @tenant AND seq = 2"],
            "delete one row" => ["DELETE FROM audit_events WHERE tenant_id = @tenant AND seq = 3"],
            "delete the last row" => ["DELETE FROM audit_events WHERE tenant_id = @tenant AND seq = 6"],
            "insert a row with a forged hash after the head" =>
                [$"INSERT INTO audit_events ({AuditEventColumns.List}) SELECT {forgedColumns} FROM audit_events WHERE tenant_id = @tenant AND seq = 3"],
            "insert a row with a forged hash and move the head" =>
            [
                $"INSERT INTO audit_events ({AuditEventColumns.List}) SELECT {forgedColumns} FROM audit_events WHERE tenant_id = @tenant AND seq = 3",
                "UPDATE audit_chain_heads SET seq = 7, hash = @hash WHERE tenant_id = @tenant",
            ],
            "swap two rows' seq" => Swap(2, 5),
            "swap two neighbours' seq" => Swap(4, 5),
            _ => throw new ArgumentOutOfRangeException(nameof(tampering), tampering, null),
        };

        await using var connection = await Services.GetRequiredService<StorageConnections>().OpenAsync(StorageScope.System, default);
        var dialect = Services.GetRequiredService<StorageConnections>().Dialect;
        foreach (var sql in statements)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            DbParameters.Add(command, "@tenant", tenant);
            DbParameters.Add(command, "@id", dialect.IdValue(Guid.CreateVersion7()));
            DbParameters.Add(command, "@hash", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            (await command.ExecuteNonQueryAsync()).ShouldBeGreaterThan(0, sql);
        }

        static string[] Swap(long a, long b) =>
        [
            $"UPDATE audit_events SET seq = -1 WHERE tenant_id = @tenant AND seq = {a}",
            $"UPDATE audit_events SET seq = {a} WHERE tenant_id = @tenant AND seq = {b}",
            $"UPDATE audit_events SET seq = {b} WHERE tenant_id = @tenant AND seq = -1",
        ];
    }

    /// <summary>A SQL literal of JSON text for the provider's JSON column.</summary>
    private protected abstract string JsonText(string json);

    // ---- a database that held events before the chain

    [Fact]
    public async Task Events_stored_before_the_chain_are_numbered_by_received_at_and_the_chain_starts_after_them()
    {
        var (settings, drop) = await NewDatabaseAsync();
        try
        {
            await using var services = BuildServices(settings);
            var tenant = NewTenant();
            var (early, middle, late) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
            await using (var db = await services.GetRequiredService<IDbContextFactory<AuditDbContext>>().CreateDbContextAsync())
            {
                var migrations = db.Database.GetMigrations().ToList();
                var chain = migrations.FindIndex(static m => m.EndsWith("_AddEventChain", StringComparison.Ordinal));
                await db.GetService<IMigrator>().MigrateAsync(migrations[chain - 1]);

                // Stored out of order: numbering follows received_at, then id.
                var dialect = services.GetRequiredService<StorageConnections>().Dialect;
                foreach (var (id, minutes) in new[] { (late, 3), (early, 1), (middle, 2) })
                {
                    await db.Database.ExecuteSqlRawAsync(
                        "INSERT INTO audit_events (tenant_id, id, timestamp, received_at, source, action, status, severity) " +
                        "VALUES ({0}, {1}, {2}, {3}, 'http', 'READ', 0, 0)",
                        tenant, dialect.IdValue(id), dialect.TimeValue(s_received), dialect.TimeValue(s_received.AddMinutes(minutes)));
                }
            }

            await services.GetRequiredService<AuditStorageInitializer>().InitializeAsync(default);
            var store = services.GetRequiredService<IAuditEventStore>();
            var duplicate = await store.InsertLinkedAsync(tenant, [new AuditEvent { Id = middle, Action = "READ", Source = "http" }], s_received, AuditInsertHooks.None, default);
            var fresh = await store.InsertLinkedAsync(tenant, [NewEvent()], s_received, AuditInsertHooks.None, default);

            duplicate.Single().ShouldBe(new AuditInsertResult(AuditInsertOutcome.Duplicate, 2, null));
            fresh.Single().Seq.ShouldBe(4);
            var verified = await services.GetRequiredService<AuditChainVerification>().VerifyAsync(tenant, null, null, default);
            verified.ShouldSatisfyAllConditions(
                v => v.Ok.ShouldBeTrue(),
                v => v.LegacyEvents.ShouldBe(3),
                v => v.VerifiedEvents.ShouldBe(1),
                v => v.FirstSeq.ShouldBe(1),
                v => v.LastSeq.ShouldBe(4));
        }
        finally
        {
            await drop();
        }
    }

    // ---- group commit: concurrent inserts of one tenant in this process

    /// <summary>Writes of one tenant the store keeps in flight at once (see <see cref="AuditGroupCommit"/>).</summary>
    private protected int WritesInFlight => ((RelationalAuditEventStore)Events).WritesInFlight;

    /// <summary>
    /// Takes every write the store keeps in flight for <paramref name="tenantId"/> with inserts of one event each, held
    /// until <c>Release</c> is completed: the first stops inside its transaction (its Written hook waits; its rows are
    /// written, the tenant's head is held), the others (a store with more than one write in flight) wait for the head
    /// behind it and then for the same release. The first one's seq comes first; the others' commits are ordered by the
    /// head lock alone, so the inserts queued behind may take the head before one of them. The next inserts of the tenant
    /// queue behind them.
    /// </summary>
    private protected async Task<(Task<IReadOnlyList<AuditInsertResult>>[] Held, TaskCompletionSource Release)> HoldWritesAsync(string tenantId)
    {
        var (entered, release) = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var hooks = new AuditInsertHooks(Written: (_, _, _, _, _, _) =>
        {
            entered.TrySetResult();
            return release.Task;
        });
        var held = new List<Task<IReadOnlyList<AuditInsertResult>>> { Events.InsertLinkedAsync(tenantId, [NewEvent()], s_received, hooks, default) };
        await Task.WhenAny(entered.Task, held[0]);
        held[0].IsCompleted.ShouldBeFalse();
        for (var i = 1; i < WritesInFlight; i++)
        {
            held.Add(Events.InsertLinkedAsync(tenantId, [NewEvent()], s_received, hooks, default));
        }

        return ([.. held], release);
    }

    /// <summary>The seqs the held inserts got, in order; the first one's is 2 (after the tenant's first event).</summary>
    private static async Task<long[]> SeqsAsync(Task<IReadOnlyList<AuditInsertResult>>[] held)
    {
        long[] seqs = [.. (await Task.WhenAll(held)).Select(static r => r.Single().Seq!.Value)];
        seqs[0].ShouldBe(2);
        return seqs;
    }

    /// <summary>The seqs of a result, each set.</summary>
    private static long[] Seqs(IReadOnlyList<AuditInsertResult> results) => [.. results.Select(static r => r.Seq!.Value)];

    /// <summary>Asserts that <paramref name="seqs"/>, taken together, number 2 to <paramref name="last"/> without a gap.</summary>
    private static void ShouldNumberTo(long last, params IEnumerable<long>[] seqs) =>
        seqs.SelectMany(static s => s).Order().ShouldBe(Enumerable.Range(2, (int)last - 1).Select(static s => (long)s));

    /// <summary>
    /// A Written hook that counts, inside the insert's transaction, the tenant's events it sees: the inserts written
    /// together in one transaction all see every row of the group.
    /// </summary>
    private static AuditInsertHooks Counting(List<long> seen, Func<Exception>? fail = null) => new(Written: async (connection, transaction, _, tenantId, _, cancellationToken) =>
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM audit_events WHERE tenant_id = @tenant";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@tenant";
        parameter.Value = tenantId;
        command.Parameters.Add(parameter);
        var count = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        lock (seen)
        {
            seen.Add(count);
        }

        if (fail is not null)
        {
            throw fail();
        }
    });

    [Fact]
    public async Task Inserts_of_one_tenant_queued_behind_a_write_commit_together_in_one_transaction_with_gapless_seqs()
    {
        var tenant = NewTenant();
        await Events.InsertLinkedAsync(tenant, [NewEvent()], s_received, AuditInsertHooks.None, default);
        var (seenByA, seenByB) = (new List<long>(), new List<long>());
        var (held, release) = await HoldWritesAsync(tenant);
        var a = Events.InsertLinkedAsync(tenant, [NewEvent(), NewEvent()], s_received, Counting(seenByA), default);
        var b = Events.InsertLinkedAsync(tenant, [NewEvent(), NewEvent(), NewEvent()], s_received, Counting(seenByB), default);
        release.SetResult();

        var k = held.Length;
        var (seqsA, seqsB) = (Seqs(await a), Seqs(await b));
        ShouldNumberTo(k + 6, await SeqsAsync(held), seqsA, seqsB);
        seqsA.Concat(seqsB).ShouldBe(Enumerable.Range((int)seqsA[0], 5).Select(static s => (long)s));

        // Both hooks ran in the one transaction that wrote the rows of both (each with its own ids), after all of them.
        seenByA.ShouldBe([seqsB[^1]]);
        seenByB.ShouldBe([seqsB[^1]]);
        (await Verification.VerifyAsync(tenant, null, null, default)).ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.VerifiedEvents.ShouldBe(k + 6));
    }

    [Fact]
    public async Task An_id_in_two_queued_inserts_is_stored_once_and_the_second_answers_its_seq_and_hash()
    {
        var tenant = NewTenant();
        await Events.InsertLinkedAsync(tenant, [NewEvent()], s_received, AuditInsertHooks.None, default);
        var shared = NewEvent();
        var copy = new AuditEvent { Id = shared.Id, Timestamp = shared.Timestamp, Source = shared.Source, Action = shared.Action, Description = "sent again" };
        var (held, release) = await HoldWritesAsync(tenant);
        var a = Events.InsertLinkedAsync(tenant, [NewEvent(), shared], s_received, AuditInsertHooks.None, default);
        var b = Events.InsertLinkedAsync(tenant, [copy, NewEvent()], s_received, AuditInsertHooks.None, default);
        release.SetResult();

        var k = held.Length;
        var (first, second) = (await a, await b);
        ShouldNumberTo(k + 4, await SeqsAsync(held), Seqs(first), [second[1].Seq!.Value]);
        first.ShouldAllBe(static r => r.Outcome == AuditInsertOutcome.Inserted);
        second[0].ShouldBe(new AuditInsertResult(AuditInsertOutcome.Duplicate, first[1].Seq, first[1].Hash), new AuditInsertResultComparer());
        second[1].ShouldSatisfyAllConditions(r => r.Outcome.ShouldBe(AuditInsertOutcome.Inserted), r => r.Seq.ShouldBe(first[0].Seq + 2));
        (await Events.GetAsync(tenant, shared.Id, default))!.Description.ShouldBe(shared.Description);
        (await Verification.VerifyAsync(tenant, null, null, default)).ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.VerifiedEvents.ShouldBe(k + 4));
    }

    [Fact]
    public async Task A_queued_insert_that_fails_does_not_fail_the_inserts_written_with_it()
    {
        var tenant = NewTenant();
        await Events.InsertLinkedAsync(tenant, [NewEvent()], s_received, AuditInsertHooks.None, default);
        var (before, failing, after) = (new List<long>(), new List<long>(), new List<long>());
        var badEvent = NewEvent();
        var (held, release) = await HoldWritesAsync(tenant);
        var a = Events.InsertLinkedAsync(tenant, [NewEvent()], s_received, Counting(before), default);
        var bad = Events.InsertLinkedAsync(tenant, [badEvent], s_received, Counting(failing, static () => new InvalidOperationException("refused")), default);
        var c = Events.InsertLinkedAsync(tenant, [NewEvent(), NewEvent()], s_received, Counting(after), default);
        release.SetResult();

        var k = held.Length;
        (await Should.ThrowAsync<InvalidOperationException>(bad)).Message.ShouldBe("refused");
        var (seqsA, seqsC) = (Seqs(await a), Seqs(await c));
        ShouldNumberTo(k + 4, await SeqsAsync(held), seqsA, seqsC);
        seqsC[1].ShouldBe(seqsC[0] + 1);
        seqsA[0].ShouldBeLessThan(seqsC[0]);
        (await Events.GetAsync(tenant, badEvent.Id, default)).ShouldBeNull();
        (await Verification.VerifyAsync(tenant, null, null, default)).ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.VerifiedEvents.ShouldBe(k + 4));
    }

    [Fact]
    public async Task A_caller_cancelled_while_queued_leaves_at_once_and_the_others_are_stored()
    {
        var tenant = NewTenant();
        await Events.InsertLinkedAsync(tenant, [NewEvent()], s_received, AuditInsertHooks.None, default);
        using var cancel = new CancellationTokenSource();
        var dropped = NewEvent();
        var (held, release) = await HoldWritesAsync(tenant);
        var cancelled = Events.InsertLinkedAsync(tenant, [dropped], s_received, AuditInsertHooks.None, cancel.Token);
        var kept = Events.InsertLinkedAsync(tenant, [NewEvent()], s_received, AuditInsertHooks.None, default);
        await cancel.CancelAsync();

        // Answered while the tenant's writes are still held.
        await Should.ThrowAsync<OperationCanceledException>(cancelled);
        held.ShouldAllBe(static h => !h.IsCompleted);
        release.SetResult();

        var k = held.Length;
        ShouldNumberTo(k + 2, await SeqsAsync(held), Seqs(await kept));
        (await Events.GetAsync(tenant, dropped.Id, default)).ShouldBeNull();
        (await Verification.VerifyAsync(tenant, null, null, default)).ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.VerifiedEvents.ShouldBe(k + 2));
    }

    private sealed class AuditInsertResultComparer : IEqualityComparer<AuditInsertResult>
    {
        public bool Equals(AuditInsertResult x, AuditInsertResult y) =>
            x.Outcome == y.Outcome && x.Seq == y.Seq && (x.Hash ?? []).AsSpan().SequenceEqual(y.Hash ?? []);

        public int GetHashCode(AuditInsertResult obj) => obj.Outcome.GetHashCode();
    }
}
