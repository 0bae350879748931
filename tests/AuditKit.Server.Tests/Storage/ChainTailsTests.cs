namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// The order of one tenant's writes in this process on PostgreSQL (<see cref="ChainTails"/>), without a database: what a
/// write links after, when it must lock the head first instead, and how long another process's writes keep it so.
/// </summary>
public sealed class ChainTailsTests
{
    private static readonly (long Seq, byte[] Hash) s_committed = (7, Enumerable.Repeat((byte)0xab, 32).ToArray());

    [Fact]
    public async Task A_write_links_after_the_head_the_write_before_it_will_leave_and_one_that_shares_an_id_with_it_locks_the_head_first()
    {
        var tails = new ChainTails(TimeProvider.System);
        var first = Rows("a", 1);

        var one = (await EnterAsync(tails, "a", first)).ShouldNotBeNull();
        var two = (await EnterAsync(tails, "a", Rows("a", 2), readHead: false)).ShouldNotBeNull();
        var sharing = await EnterAsync(tails, "a", [AuditEventRow.From("a", Event(first[0].Id), StorageTestEvents.BaseTime)], readHead: false);

        (one.After.Seq, one.Linked.Seq).ShouldBe((7L, 8L));
        one.After.Hash.ShouldBe(s_committed.Hash);
        (two.After.Seq, two.Linked.Seq).ShouldBe((8L, 10L));
        two.After.Hash.ShouldBe(one.Linked.Hash);
        sharing.ShouldBeNull();
        await one.EndAsync(committed: true);
        await two.EndAsync(committed: true);
        tails.Count.ShouldBe(0);
    }

    [Fact]
    public async Task After_a_write_that_did_not_commit_the_next_one_links_after_the_committed_head_once_the_writes_before_it_have_ended()
    {
        var tails = new ChainTails(TimeProvider.System);
        var one = (await EnterAsync(tails, "a", Rows("a", 1))).ShouldNotBeNull();
        await one.EndAsync(committed: false);

        var next = (await EnterAsync(tails, "a", Rows("a", 3))).ShouldNotBeNull();

        (next.After.Seq, next.Linked.Seq).ShouldBe((7L, 10L));
        (await next.PredecessorTookHeadAsync(default)).ShouldBeTrue();
        await next.EndAsync(committed: true);
    }

    [Fact]
    public async Task A_tenant_another_process_wrote_locks_the_head_first_for_a_while_then_links_again_and_other_tenants_never_stop()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var tails = new ChainTails(time);

        tails.Missed("a");
        (await EnterAsync(tails, "a", Rows("a", 1))).ShouldBeNull();
        var other = (await EnterAsync(tails, "b", Rows("b", 1))).ShouldNotBeNull();
        time.Advance(ChainTails.FirstBackOff - TimeSpan.FromMilliseconds(1));
        (await EnterAsync(tails, "a", Rows("a", 1))).ShouldBeNull();
        time.Advance(TimeSpan.FromMilliseconds(1));
        var again = (await EnterAsync(tails, "a", Rows("a", 1))).ShouldNotBeNull();

        again.Linked.Seq.ShouldBe(8);
        await other.EndAsync(committed: true);
        await again.EndAsync(committed: true);
        tails.Count.ShouldBe(0);
    }

    [Fact]
    public async Task Each_miss_before_a_linked_write_commits_doubles_the_wait_up_to_the_longest_and_a_commit_starts_over()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var tails = new ChainTails(time);
        var waits = new List<TimeSpan>();
        for (var miss = 0; miss < 8; miss++)
        {
            tails.Missed("a");
            waits.Add(await HeadFirstForAsync(tails, time));
        }

        waits.ShouldBe([.. new[] { 5, 10, 20, 40, 80, 160, 300, 300 }.Select(static s => TimeSpan.FromSeconds(s))]);

        // A linked write that commits: the next miss waits the first back-off again.
        var linked = (await EnterAsync(tails, "a", Rows("a", 1))).ShouldNotBeNull();
        await linked.EndAsync(committed: true);
        tails.Missed("a");
        (await HeadFirstForAsync(tails, time)).ShouldBe(ChainTails.FirstBackOff);
    }

    // How long the tenant "a" locks the head first from now, in steps of a second (the clock is left at its end; the
    // linked write it then enters does not commit).
    private static async Task<TimeSpan> HeadFirstForAsync(ChainTails tails, FakeTimeProvider time)
    {
        var waited = TimeSpan.Zero;
        ChainTails.Ticket? ticket;
        while ((ticket = await EnterAsync(tails, "a", Rows("a", 1))) is null)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            waited += TimeSpan.FromSeconds(1);
        }

        // Not committed, as a linked write that misses again.
        await ticket.EndAsync(committed: false);
        return waited;
    }

    // Enters a linked write of the rows; the committed head is s_committed (read only when readHead, else it fails).
    private static Task<ChainTails.Ticket?> EnterAsync(ChainTails tails, string tenantId, List<AuditEventRow> rows, bool readHead = true) =>
        tails.EnterLinkedAsync(tenantId, rows, AuditChainBatch.Prepare(rows), _ => readHead
            ? Task.FromResult<(long Seq, byte[] Hash)?>(s_committed)
            : throw new InvalidOperationException("The committed head was read while a write was in flight."), default);

    private static List<AuditEventRow> Rows(string tenantId, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => AuditEventRow.From(tenantId, Event(Guid.CreateVersion7()), StorageTestEvents.BaseTime))];

    private static AuditEvent Event(Guid id)
    {
        var e = StorageTestEvents.Minimal();
        e.Id = id;
        return e;
    }
}
