using AuditKit.Server.Storage;
using AuditKit.Server.Storage.Postgres;
using AuditKit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AuditKit.Server.Tests.Integrity;

/// <summary>The chain on PostgreSQL (a fresh database for this class), with the concurrency only it has.</summary>
public sealed class PostgresAuditChainTests(PostgresDatabaseFixture database) : AuditChainContractTests, IClassFixture<PostgresDatabaseFixture>
{
    private static readonly DateTimeOffset s_received = new(2026, 3, 2, 8, 30, 0, TimeSpan.Zero);

    private protected override Dictionary<string, string?> StorageSettings() => new()
    {
        ["ConnectionStrings:AuditKit"] = database.ConnectionString,
    };

    private protected override async Task<(Dictionary<string, string?> Settings, Func<Task> Drop)> NewDatabaseAsync()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("chain");
        return (new() { ["ConnectionStrings:AuditKit"] = connectionString }, () => TestPostgres.DropDatabaseAsync(connectionString));
    }

    private protected override string JsonText(string json) => "'" + json.Replace("'", "''", StringComparison.Ordinal) + "'::jsonb";

    [Fact]
    public async Task A_tenant_with_inserts_queued_behind_a_held_write_does_not_hold_up_another_tenant()
    {
        var (busy, other) = (NewTenant(), NewTenant());
        await Events.InsertLinkedAsync(busy, [NewEvent()], s_received, AuditInsertHooks.None, default);
        var leader = StartHeldInsert(busy, out var release);
        var queued = Events.InsertLinkedAsync(busy, [NewEvent()], s_received, AuditInsertHooks.None, default);

        // Another tenant's inserts, one after another, all go through while the busy one's are held.
        for (var i = 1; i <= 3; i++)
        {
            (await Events.InsertLinkedAsync(other, [NewEvent()], s_received, AuditInsertHooks.None, default).WaitAsync(TimeSpan.FromSeconds(30)))
                .Single().Seq.ShouldBe(i);
        }

        leader.IsCompleted.ShouldBeFalse();
        queued.IsCompleted.ShouldBeFalse();
        release.SetResult();

        (await leader).Single().Seq.ShouldBe(2);
        (await queued).Single().Seq.ShouldBe(3);
    }

    [Fact]
    public async Task Concurrent_batches_of_one_tenant_are_numbered_in_commit_order_without_gaps()
    {
        var tenant = NewTenant();

        var batches = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Events.InsertLinkedAsync(tenant, [NewEvent(), NewEvent(), NewEvent()], s_received, AuditInsertHooks.None, default))));

        batches.SelectMany(static b => b).Select(static r => r.Seq!.Value).Order().ShouldBe(Enumerable.Range(1, 24).Select(static i => (long)i));
        (await Verification.VerifyAsync(tenant, null, null, default)).ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.VerifiedEvents.ShouldBe(24));
    }

    [Fact]
    public async Task A_tenant_whose_head_is_locked_does_not_hold_up_another_tenant()
    {
        var (busy, other) = (NewTenant(), NewTenant());
        await Events.InsertLinkedAsync(busy, [NewEvent()], s_received, AuditInsertHooks.None, default);
        var dataSource = Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await AuditChain.LockHeadAsync(connection, transaction, PostgresSqlDialect.Instance, busy, default);

        // Another tenant goes through while the busy one's head is held…
        var otherInsert = Events.InsertLinkedAsync(other, [NewEvent()], s_received, AuditInsertHooks.None, default);
        (await otherInsert.WaitAsync(TimeSpan.FromSeconds(30))).Single().Seq.ShouldBe(1);

        // …and the busy tenant's next insert waits for it, then takes the next seq.
        var busyInsert = Events.InsertLinkedAsync(busy, [NewEvent()], s_received, AuditInsertHooks.None, default);
        await Task.Delay(300);
        busyInsert.IsCompleted.ShouldBeFalse();
        await transaction.RollbackAsync();
        (await busyInsert.WaitAsync(TimeSpan.FromSeconds(30))).Single().Seq.ShouldBe(2);
    }

    [Fact]
    public async Task The_bulk_load_of_the_seed_command_chains_every_tenant()
    {
        var (one, two) = (NewTenant(), NewTenant());
        var load = Services.GetRequiredService<PostgresBulkLoad>();
        List<AuditEventRow> Batch() => [.. Enumerable.Range(0, 50).Select(i => AuditEventRow.From(i % 3 == 0 ? one : two, NewEvent(), s_received))];

        await Task.WhenAll(load.CopyAsync(Batch(), default), load.CopyAsync(Batch(), default), load.CopyAsync(Batch(), default));

        (await Verification.VerifyAsync(one, null, null, default)).ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.VerifiedEvents.ShouldBe(51));
        (await Verification.VerifyAsync(two, null, null, default)).ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.VerifiedEvents.ShouldBe(99));
    }
}
