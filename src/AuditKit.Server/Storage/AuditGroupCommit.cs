namespace AuditKit.Server.Storage;

/// <summary>
/// Group commit of one tenant's concurrent inserts in this process. A tenant's batches commit one at a time (each holds
/// the tenant's chain head from its lock to its commit, see <see cref="AuditChain"/>), so a batch of the same tenant
/// beyond the writes in flight would wait for a commit and then pay for a whole transaction of its own. Here at most
/// <c>maxInFlight</c> writes of a tenant are in flight at once: 1 on SQLite; <see cref="MaxInFlight"/> on PostgreSQL,
/// where the second one links after the head the first will leave and moves its rows into the table while the first
/// holds the head, and the head in the database orders their commits (see
/// <see cref="Postgres.PostgresAuditEventStore"/>). Further inserts of that tenant queue; when a
/// write ends, the queued ones are written together by the next write as one transaction — one head lock, one COPY,
/// one commit — and each caller gets its own rows' outcomes (its seqs and hashes are set on its rows). Tenants never
/// wait for each other here: each has its own line, and an insert of a tenant with fewer writes in flight than the
/// bound is written at once (with whatever queued before it), as it would be without this class. Concurrent callers of
/// one tenant get no order among themselves: two writes in flight commit in the order they are linked.
/// <para>
/// Bounded: a group takes at most <see cref="MaxGroupRows"/> rows (the first request always, however large), and at
/// most <see cref="MaxQueuedRows"/> rows wait per tenant; an insert that finds the queue full is written on its own
/// and waits for the head in the database, as every insert did before. Several server processes are kept correct by
/// the database's head lock, as before: this only batches what one process holds.
/// </para>
/// <para>
/// The rules of a combined write: ids are distinct across the group (an id a request repeats from an earlier request of
/// the group is that request's duplicate, answered with the stored seq and hash after the commit, like any
/// duplicate); each request's <see cref="AuditInsertHooks.Written"/> runs in the combined transaction with the ids of
/// its own rows newly written; a request with <see cref="AuditInsertHooks.Before"/> work (a change recorded with its
/// audit event, which may take other tenants' heads) is always written alone (never combined; it may be in flight
/// beside another write of the tenant, as beside one of another process). When a combined write fails, each of its
/// requests is written again alone, in order, so one request's failure reaches only its own caller. A caller cancelled
/// while queued leaves the queue at once; once its rows are in a write, the write goes on for the others and is
/// cancelled only when every caller of the group is. A tenant's line is dropped when nothing of it is queued or in
/// flight, so tenants seen once hold no memory.
/// </para>
/// </summary>
internal sealed class AuditGroupCommit
{
    /// <summary>Rows one combined write takes at most (the first request of a group always, whatever its size).</summary>
    internal const int MaxGroupRows = 4000;

    /// <summary>Rows that may wait per tenant; an insert that would go beyond it is written on its own.</summary>
    internal const int MaxQueuedRows = 16000;

    /// <summary>The most writes of one tenant in flight at once (PostgreSQL, which admits concurrent writers).</summary>
    internal const int MaxInFlight = 2;

    private readonly Func<List<AuditEventRow>, AuditInsertHooks, CancellationToken, Task<bool[]>> _write;
    private readonly int _maxInFlight;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TenantLine> _lines = new(StringComparer.Ordinal);

    /// <param name="write">Writes rows (distinct ids, one tenant) in one transaction with the hooks; per row, whether it was written.</param>
    /// <param name="maxInFlight">Writes of one tenant in flight at once (1 to <see cref="MaxInFlight"/>).</param>
    public AuditGroupCommit(Func<List<AuditEventRow>, AuditInsertHooks, CancellationToken, Task<bool[]>> write, int maxInFlight = 1)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxInFlight, MaxInFlight);
        _write = write;
        _maxInFlight = maxInFlight;
    }

    /// <summary>Writes <paramref name="rows"/> of <paramref name="tenantId"/>, alone or with other requests of the tenant; per row, whether it was written.</summary>
    public async Task<bool[]> WriteAsync(string tenantId, List<AuditEventRow> rows, AuditInsertHooks hooks, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(rows);
        cancellationToken.ThrowIfCancellationRequested();
        var request = new Request(rows, hooks, cancellationToken);
        TenantLine line;
        bool lead;
        lock (_gate)
        {
            if (!_lines.TryGetValue(tenantId, out line!))
            {
                line = new TenantLine(tenantId);
                _lines.Add(tenantId, line);
            }

            if (line.InFlight > 0 && line.QueuedRows + rows.Count > MaxQueuedRows)
            {
                lead = false;
                request = null;
            }
            else
            {
                request.Node = line.Queue.AddLast(request);
                line.QueuedRows += rows.Count;
                lead = line.InFlight < _maxInFlight;
                if (lead)
                {
                    line.InFlight++;
                }
            }
        }

        if (request is null)
        {
            return await _write(rows, hooks, cancellationToken).ConfigureAwait(false);
        }

        if (lead)
        {
            // Fewer writes of the tenant in flight than the bound: write now (from the head of the queue, which holds this
            // request unless a write in flight took it meanwhile), then go on while anything is queued.
            await RunNextGroupAsync(line).ConfigureAwait(false);
            if (!TryIdle(line))
            {
                _ = Task.Run(() => DrainAsync(line), CancellationToken.None);
            }
        }

        // Still queued when the lead's group was full, or behind the writes in flight: a cancelled caller leaves at once.
        await using (cancellationToken.Register(() => Withdraw(line, request)).ConfigureAwait(false))
        {
            return await request.Result.Task.ConfigureAwait(false);
        }
    }

    private async Task DrainAsync(TenantLine line)
    {
        do
        {
            await RunNextGroupAsync(line).ConfigureAwait(false);
        }
        while (!TryIdle(line));
    }

    // A write in flight ends when nothing is queued; the line is dropped when none is left, so tenants seen once hold no memory.
    private bool TryIdle(TenantLine line)
    {
        lock (_gate)
        {
            if (line.Queue.Count > 0)
            {
                return false;
            }

            if (--line.InFlight == 0)
            {
                _lines.Remove(line.TenantId);
            }

            return true;
        }
    }

    private void Withdraw(TenantLine line, Request request)
    {
        lock (_gate)
        {
            if (request.Node is not { } node || node.List is null)
            {
                return;
            }

            line.Queue.Remove(node);
            line.QueuedRows -= request.Rows.Count;
            request.Node = null;
        }

        request.Result.TrySetCanceled(request.CancellationToken);
    }

    private async Task RunNextGroupAsync(TenantLine line)
    {
        var group = new List<Request>();
        lock (_gate)
        {
            var rows = 0;
            while (line.Queue.First is { } first)
            {
                var next = first.Value;
                if (group.Count > 0 && (next.Hooks.Before is not null || group[0].Hooks.Before is not null || rows + next.Rows.Count > MaxGroupRows))
                {
                    break;
                }

                line.Queue.RemoveFirst();
                line.QueuedRows -= next.Rows.Count;
                next.Node = null;
                rows += next.Rows.Count;
                group.Add(next);
            }
        }

        if (group.Count == 1)
        {
            await WriteAloneAsync(group[0]).ConfigureAwait(false);
        }
        else if (group.Count > 1)
        {
            await WriteTogetherAsync(group).ConfigureAwait(false);
        }
    }

    private async Task WriteAloneAsync(Request request)
    {
        try
        {
            request.Result.TrySetResult(await _write(request.Rows, request.Hooks, request.CancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (request.CancellationToken.IsCancellationRequested)
        {
            request.Result.TrySetCanceled(request.CancellationToken);
        }
        catch (Exception e)
        {
            request.Result.TrySetException(e);
        }
    }

    private async Task WriteTogetherAsync(List<Request> group)
    {
        var rows = new List<AuditEventRow>();
        var seen = new HashSet<Guid>();
        var slots = new int[group.Count][];
        for (var r = 0; r < group.Count; r++)
        {
            var own = group[r].Rows;
            slots[r] = new int[own.Count];
            for (var i = 0; i < own.Count; i++)
            {
                // An id an earlier request of the group holds is this request's duplicate: stored once, by the first.
                slots[r][i] = seen.Add(own[i].Id) ? rows.Count : -1;
                if (slots[r][i] >= 0)
                {
                    rows.Add(own[i]);
                }
            }
        }

        var hooks = group.Any(static r => r.Hooks.Written is not null)
            ? new AuditInsertHooks(Written: async (connection, transaction, dialect, tenantId, written, cancellationToken) =>
            {
                var writtenSet = written as IReadOnlySet<Guid> ?? written.ToHashSet();
                for (var r = 0; r < group.Count; r++)
                {
                    if (group[r].Hooks.Written is not { } work)
                    {
                        continue;
                    }

                    var ids = new List<Guid>();
                    for (var i = 0; i < slots[r].Length; i++)
                    {
                        if (slots[r][i] >= 0 && writtenSet.Contains(group[r].Rows[i].Id))
                        {
                            ids.Add(group[r].Rows[i].Id);
                        }
                    }

                    if (ids.Count > 0)
                    {
                        await work(connection, transaction, dialect, tenantId, ids, cancellationToken).ConfigureAwait(false);
                    }
                }
            })
            : AuditInsertHooks.None;

        // Cancelled only when every caller of the group is.
        using var everyoneCancelled = new CancellationTokenSource();
        var waiting = group.Count;
        var registrations = new List<CancellationTokenRegistration>(group.Count);
        bool[] inserted;
        try
        {
            foreach (var request in group)
            {
                registrations.Add(request.CancellationToken.Register(() =>
                {
                    if (Interlocked.Decrement(ref waiting) == 0)
                    {
                        everyoneCancelled.Cancel();
                    }
                }));
            }

            inserted = await _write(rows, hooks, everyoneCancelled.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (everyoneCancelled.IsCancellationRequested)
        {
            foreach (var request in group)
            {
                request.Result.TrySetCanceled(request.CancellationToken);
            }

            return;
        }
        catch (Exception)
        {
            // One request may be what failed the group (a hook, a row the database refuses): each one is written again
            // on its own, so the others are stored and only its caller sees the failure.
            inserted = [];
        }
        finally
        {
            foreach (var registration in registrations)
            {
                await registration.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (inserted.Length != rows.Count)
        {
            foreach (var request in group)
            {
                await WriteAloneAsync(request).ConfigureAwait(false);
            }

            return;
        }

        for (var r = 0; r < group.Count; r++)
        {
            var outcome = new bool[slots[r].Length];
            for (var i = 0; i < outcome.Length; i++)
            {
                outcome[i] = slots[r][i] >= 0 && inserted[slots[r][i]];
            }

            group[r].Result.TrySetResult(outcome);
        }
    }

    private sealed class TenantLine(string tenantId)
    {
        public string TenantId { get; } = tenantId;

        public LinkedList<Request> Queue { get; } = new();

        public int QueuedRows { get; set; }

        // Writes of the tenant in flight (each drains the queue until it is empty).
        public int InFlight { get; set; }
    }

    private sealed class Request(List<AuditEventRow> rows, AuditInsertHooks hooks, CancellationToken cancellationToken)
    {
        public List<AuditEventRow> Rows { get; } = rows;

        public AuditInsertHooks Hooks { get; } = hooks;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<bool[]> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Request>? Node { get; set; }
    }
}
