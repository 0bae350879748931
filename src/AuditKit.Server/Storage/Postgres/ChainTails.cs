namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// What this process knows of each tenant's chain beyond the database: the head the tenant's writes in flight will
/// leave, so that a write can link its rows after the write before it without waiting for it, and move them into the
/// table while that one still holds the head (see <see cref="PostgresAuditEventStore"/>). A tenant's writes enter in
/// order (one at a time; linking a batch is a SHA-256 per row) and each gets a <see cref="Ticket"/>:
/// <list type="bullet">
/// <item><b>Linked</b> (<see cref="EnterLinkedAsync"/>): linked after the head predicted by the write before it — or,
/// when none is predicted (the first write, or after one failed), after the committed head, read once every write
/// before it has ended. Before it advances the head in the database, the write waits until the one before it has
/// taken the head (<see cref="Ticket.PredecessorTookHeadAsync"/>), so that its conditional advance waits in the database
/// for that one's commit instead of finding the old head.</item>
/// <item><b>Alone</b> (<see cref="EnterAloneAsync"/>): the writes that lock the head first (a batch with work of its
/// own before the insert, a retried or deduplicated batch, a tenant's first batch) wait until every write of the tenant
/// in flight here has ended, and the writes after them until they have: no write of this process then waits here for
/// one that waits in the database for it.</item>
/// </list>
/// Nothing here decides what is stored: a write's rows commit only with its move of the head in the database, from the
/// very head it linked after to its own last row (checked under the head's lock), so the committed seqs of a tenant are
/// the disjoint runs of the head's moves and a wrong prediction — another process wrote the tenant, the write before
/// failed — costs the write a retry, never a broken chain. A write whose ids meet those of a write in
/// flight enters alone, so two writes of this process never wait for each other's rows in the database. A tenant's
/// entry is dropped when none of its writes is in flight.
/// <para>
/// Several processes writing one tenant at once (instances behind a load balancer) would make most predictions miss:
/// each miss is a move rolled back and done again, with the moves linked after it. So once a linked write finds that
/// another process moved the head (<see cref="Missed"/>), the tenant's writes in this process lock the head first, as
/// every write did before, for <see cref="FirstBackOff"/>, then try linking again; each further miss before a linked
/// write commits doubles the wait, up to <see cref="LongestBackOff"/>. A tenant that several instances write keeps
/// locking the head first, and tries linking once every few minutes; one written by one instance links again after
/// a stray miss.
/// </para>
/// </summary>
internal sealed class ChainTails(TimeProvider timeProvider)
{
    /// <summary>How long a tenant's writes lock the head first after its first miss.</summary>
    internal static readonly TimeSpan FirstBackOff = TimeSpan.FromSeconds(5);

    /// <summary>The longest a tenant's writes lock the head first after a miss.</summary>
    internal static readonly TimeSpan LongestBackOff = TimeSpan.FromMinutes(5);

    // Tenants remembered as written by another process at most; beyond it the expired ones are forgotten (or all).
    private const int MaxMissed = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Tail> _tails = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset Until, TimeSpan BackOff)> _headFirst = new(StringComparer.Ordinal);

    /// <summary>
    /// A linked write of the tenant found the head moved by another process (or lost a seq or a deadlock to one): its
    /// writes here lock the head first for a while, twice as long as last time unless a linked write committed since.
    /// </summary>
    public void Missed(string tenantId)
    {
        var now = timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (_headFirst.Count >= MaxMissed && !_headFirst.ContainsKey(tenantId))
            {
                foreach (var (tenant, _) in _headFirst.Where(e => e.Value.Until <= now).ToList())
                {
                    _headFirst.Remove(tenant);
                }

                if (_headFirst.Count >= MaxMissed)
                {
                    _headFirst.Clear();
                }
            }

            var backOff = _headFirst.TryGetValue(tenantId, out var last)
                ? TimeSpan.FromTicks(Math.Min(last.BackOff.Ticks * 2, LongestBackOff.Ticks))
                : FirstBackOff;
            _headFirst[tenantId] = (now + backOff, backOff);
        }
    }

    /// <summary>Whether the tenant's writes lock the head first for now, after a miss (see <see cref="Missed"/>).</summary>
    public bool HeadFirst(string tenantId)
    {
        lock (_gate)
        {
            return _headFirst.TryGetValue(tenantId, out var headFirst) && timeProvider.GetUtcNow() < headFirst.Until;
        }
    }

    // A linked write of the tenant committed: its next miss waits the first back-off again.
    private void Linked(string tenantId)
    {
        lock (_gate)
        {
            _headFirst.Remove(tenantId);
        }
    }

    /// <summary>
    /// Enters a write of <paramref name="rows"/> that links before it takes the head: links them (their seqs and hashes
    /// set) after the head predicted for the tenant, or after the one <paramref name="readHead"/> returns, read once every
    /// write of the tenant in flight here has ended. Null, with nothing linked, when the write must lock the head first
    /// instead: the tenant has no head yet, one of the ids is in a write in flight, or another process wrote the tenant
    /// lately (<see cref="Missed"/>).
    /// </summary>
    public async Task<Ticket?> EnterLinkedAsync(
        string tenantId, IReadOnlyList<AuditEventRow> rows, AuditChainBatch chain,
        Func<CancellationToken, Task<(long Seq, byte[] Hash)?>> readHead, CancellationToken cancellationToken)
    {
        if (HeadFirst(tenantId))
        {
            return null;
        }

        var tail = Take(tenantId);
        var entered = false;
        try
        {
            await tail.Order.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                (long Seq, byte[] Hash)? head;
                Task<bool> predecessorTookHead;
                Task predecessorEnded;
                lock (tail.Sync)
                {
                    if (rows.Any(row => tail.Ids.Contains(row.Id)))
                    {
                        return null;
                    }

                    (head, predecessorTookHead, predecessorEnded) = (tail.Head, tail.LastTookHead, tail.LastEnded);
                }

                if (head is null)
                {
                    await predecessorEnded.WaitAsync(cancellationToken).ConfigureAwait(false);
                    if (await readHead(cancellationToken).ConfigureAwait(false) is not { } committed)
                    {
                        return null;
                    }

                    (head, predecessorTookHead) = (committed, Task.FromResult(true));
                }

                var ticket = new Ticket(this, tenantId, tail, rows, head.Value, chain.Link(head.Value), predecessorTookHead, predecessorEnded);
                lock (tail.Sync)
                {
                    tail.Head = ticket.Linked;
                    tail.LastTookHead = ticket.TookHead.Task;
                    tail.LastEnded = ticket.Ended.Task;
                    foreach (var row in rows)
                    {
                        tail.Ids.Add(row.Id);
                    }
                }

                entered = true;
                return ticket;
            }
            finally
            {
                tail.Order.Release();
            }
        }
        finally
        {
            if (!entered)
            {
                Leave(tenantId, tail);
            }
        }
    }

    /// <summary>
    /// Enters a write that locks the tenant's head first: returns once every write of the tenant in flight here has
    /// ended; the writes entering after it wait for it to end, and link after the head it commits.
    /// </summary>
    public async Task<Ticket> EnterAloneAsync(string tenantId, CancellationToken cancellationToken)
    {
        var tail = Take(tenantId);
        Ticket ticket;
        try
        {
            await tail.Order.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(tenantId, tail);
            throw;
        }

        try
        {
            lock (tail.Sync)
            {
                ticket = new Ticket(this, tenantId, tail, [], default, default, Task.FromResult(true), tail.LastEnded);
                tail.Head = null;
                tail.LastTookHead = ticket.TookHead.Task;
                tail.LastEnded = ticket.Ended.Task;
            }
        }
        finally
        {
            tail.Order.Release();
        }

        try
        {
            await ticket.PredecessorEnded.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ticket.EndAsync(committed: false).ConfigureAwait(false);
            throw;
        }

        return ticket;
    }

    /// <summary>Tenants with a write in flight here (for tests).</summary>
    internal int Count
    {
        get
        {
            lock (_gate)
            {
                return _tails.Count;
            }
        }
    }

    private Tail Take(string tenantId)
    {
        lock (_gate)
        {
            if (!_tails.TryGetValue(tenantId, out var tail))
            {
                _tails.Add(tenantId, tail = new Tail());
            }

            tail.Users++;
            return tail;
        }
    }

    private void Leave(string tenantId, Tail tail)
    {
        lock (_gate)
        {
            if (--tail.Users == 0)
            {
                _tails.Remove(tenantId);
            }
        }
    }

    /// <summary>A write's place in its tenant's order; ended by <see cref="EndAsync"/>, whatever happened.</summary>
    internal sealed class Ticket
    {
        private readonly ChainTails _owner;
        private readonly string _tenantId;
        private readonly Tail _tail;
        private readonly IReadOnlyList<AuditEventRow> _rows;
        private readonly Task<bool> _predecessorTookHead;
        private int _ended;

        internal Ticket(
            ChainTails owner, string tenantId, Tail tail, IReadOnlyList<AuditEventRow> rows, (long Seq, byte[] Hash) after, (long Seq, byte[] Hash) linked,
            Task<bool> predecessorTookHead, Task predecessorEnded)
        {
            (_owner, _tenantId, _tail, _rows) = (owner, tenantId, tail, rows);
            (After, Linked, _predecessorTookHead, PredecessorEnded) = (after, linked, predecessorTookHead, predecessorEnded);
        }

        /// <summary>The head the rows were linked after: the head the write advances from.</summary>
        public (long Seq, byte[] Hash) After { get; }

        /// <summary>The head the write leaves: its last row's seq and hash.</summary>
        public (long Seq, byte[] Hash) Linked { get; }

        internal Task PredecessorEnded { get; }

        internal TaskCompletionSource<bool> TookHead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Waits until the write before this one has taken the head (true) or given up (false).</summary>
        public Task<bool> PredecessorTookHeadAsync(CancellationToken cancellationToken) => _predecessorTookHead.WaitAsync(cancellationToken);

        /// <summary>The write holds the head in the database: the write after it may ask for it.</summary>
        public void HeadTaken() => TookHead.TrySetResult(true);

        /// <summary>
        /// Ends the write's place (its transaction committed or rolled back): without a commit, the writes after it
        /// find no predicted head and read the committed one. Returns once the writes before it have ended too.
        /// </summary>
        public async Task EndAsync(bool committed)
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0)
            {
                return;
            }

            TookHead.TrySetResult(false);
            lock (_tail.Sync)
            {
                if (!committed)
                {
                    _tail.Head = null;
                }
            }

            if (committed && _rows.Count > 0)
            {
                _owner.Linked(_tenantId);
            }

            await PredecessorEnded.ConfigureAwait(false);
            lock (_tail.Sync)
            {
                foreach (var row in _rows)
                {
                    _tail.Ids.Remove(row.Id);
                }
            }

            Ended.TrySetResult();
            _owner.Leave(_tenantId, _tail);
        }
    }

    internal sealed class Tail
    {
        public Lock Sync { get; } = new();

        // Writes enter one at a time, in the order they take it.
        public SemaphoreSlim Order { get; } = new(1, 1);

        // The head the last write entered will leave, when known; null: read the committed head once all have ended.
        public (long Seq, byte[] Hash)? Head { get; set; }

        public Task<bool> LastTookHead { get; set; } = Task.FromResult(true);

        public Task LastEnded { get; set; } = Task.CompletedTask;

        // The ids of the linked writes in flight.
        public HashSet<Guid> Ids { get; } = [];

        public int Users { get; set; }
    }
}
