using System.Data.Common;
using AuditKit.Server.Storage.Postgres;
using Npgsql;

namespace AuditKit.Server.Tests.Integrity;

/// <summary>
/// Two writes of one tenant in flight per store on PostgreSQL (<see cref="RelationalAuditEventStore.WritesInFlight"/>
/// at 2, see <see cref="AuditGroupCommit"/>), each staging its rows before it locks the head: the chain stays whole
/// under concurrency from several stores, a write that fails beside another one takes nothing of it with it, and the
/// second write's staging really overlaps the first one's hold.
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
        foreach (var (id, result) in all)
        {
            stored[id].Seq.ShouldBe(result.Seq!.Value);
            stored[id].Hash.ShouldBe(result.Hash);
        }

        (await Verification.VerifyAsync(tenant, null, null, default))
            .ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.VerifiedEvents.ShouldBe(all.Count), v => v.LastSeq.ShouldBe(all.Count));
    }

    [Fact]
    public async Task The_second_write_of_a_tenant_stages_its_rows_while_the_first_holds_the_head()
    {
        var store = TwoInFlight(Services);
        var tenant = NewTenant();
        await store.InsertLinkedAsync(tenant, [NewEvent()], s_received, AuditInsertHooks.None, default);
        var (holding, staged) = (NewSignal(), NewSignal());
        var stagedRows = -1L;

        // The first write, once it holds the head, waits until the second one has staged its rows.
        var first = store.InsertLinkedAsync(tenant, [NewEvent()], s_received, new AuditInsertHooks(Written: async (_, _, _, _, _, cancellationToken) =>
        {
            holding.TrySetResult();
            await staged.Task.WaitAsync(s_stuck, cancellationToken);
        }), default);
        await Task.WhenAny(holding.Task, first);
        first.IsCompleted.ShouldBeFalse();

        // The second one's Before work runs after its staging COPY and before it asks for the head: it sees its rows staged.
        var second = store.InsertLinkedAsync(tenant, [NewEvent(), NewEvent(), NewEvent()], s_received, new AuditInsertHooks(Before: async (connection, transaction, cancellationToken) =>
        {
            stagedRows = await CountStagedAsync(connection, transaction, cancellationToken);
            staged.TrySetResult();
        }), default);

        (await first).Single().Seq.ShouldBe(2);
        (await second).Select(static r => r.Seq).ShouldBe([3L, 4, 5]);
        stagedRows.ShouldBe(3);
        (await Verification.VerifyAsync(tenant, null, null, default)).ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.VerifiedEvents.ShouldBe(5));
    }

    [Fact]
    public async Task A_group_that_fails_while_another_write_of_the_tenant_is_in_flight_leaves_the_chain_whole_and_the_other_write_stored()
    {
        var store = TwoInFlight(Services);
        var tenant = NewTenant();
        await store.InsertLinkedAsync(tenant, [NewEvent()], s_received, AuditInsertHooks.None, default);
        var (holding, release, staged, failed) = (NewSignal(), NewSignal(), NewSignal(), NewSignal());
        var (good, badEvent, other) = (NewEvent(), NewEvent(), new[] { NewEvent(), NewEvent() });

        // The first write holds the head; the second, in flight beside it, stages its rows and then (in its Before work,
        // before it asks for the head) waits until the group behind the first has failed.
        var first = store.InsertLinkedAsync(tenant, [NewEvent()], s_received, new AuditInsertHooks(Written: (_, _, _, _, _, _) =>
        {
            holding.TrySetResult();
            return release.Task;
        }), default);
        await Task.WhenAny(holding.Task, first);
        first.IsCompleted.ShouldBeFalse();
        var beside = store.InsertLinkedAsync(tenant, other, s_received, new AuditInsertHooks(Before: async (_, _, cancellationToken) =>
        {
            staged.TrySetResult();
            await failed.Task.WaitAsync(s_stuck, cancellationToken);
        }), default);
        await staged.Task.WaitAsync(s_stuck);

        // Queued behind both, written together once the first commits: a request that fails the group.
        var kept = store.InsertLinkedAsync(tenant, [good], s_received, AuditInsertHooks.None, default);
        var bad = store.InsertLinkedAsync(tenant, [badEvent], s_received, new AuditInsertHooks(Written: (_, _, _, _, _, _) =>
        {
            failed.TrySetResult();
            throw new InvalidOperationException("refused");
        }), default);
        release.SetResult();

        (await first).Single().Seq.ShouldBe(2);
        (await Should.ThrowAsync<InvalidOperationException>(bad)).Message.ShouldBe("refused");
        var answered = (await kept).Concat(await beside).ToList();
        answered.ShouldAllBe(static r => r.Outcome == AuditInsertOutcome.Inserted);
        var stored = await StoredLinksAsync(tenant);
        stored.ContainsKey(badEvent.Id).ShouldBeFalse();
        foreach (var (e, result) in other.Prepend(good).Zip(answered))
        {
            stored[e.Id].Seq.ShouldBe(result.Seq!.Value);
            stored[e.Id].Hash.ShouldBe(result.Hash);
        }

        stored.Count.ShouldBe(5);
        (await Verification.VerifyAsync(tenant, null, null, default))
            .ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.VerifiedEvents.ShouldBe(5), v => v.LastSeq.ShouldBe(5));
    }

    // A store as the server registers it (the same pools), with two writes of a tenant in flight.
    private static PostgresAuditEventStore TwoInFlight(IServiceProvider services) =>
        new(services.GetRequiredService<NpgsqlDataSource>(), ingest: services.GetRequiredService<PostgresIngestDataSource>())
        {
            WritesInFlight = AuditGroupCommit.MaxInFlight,
        };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static async Task<long> CountStagedAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM audit_events_incoming";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every stored event of the tenant: its seq and hash, read as stored.</summary>
    private async Task<Dictionary<Guid, (long Seq, byte[] Hash)>> StoredLinksAsync(string tenantId)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
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
