using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;

namespace AuditKit.Server.Console;

/// <summary>
/// One poll of the store per tenant for all of that tenant's open live tails. The first tail of a tenant starts the
/// tenant's feed at its own position; the feed asks the store's list query for the events after its position every
/// <see cref="ConsoleTailOptions.PollInterval"/> (on the server's <see cref="TimeProvider"/>) and hands each page to
/// every tail that has joined it, an empty page included (the tails' heartbeat). It remembers its starting position
/// and its last <see cref="HistorySize"/> events, so a tail at one of those positions joins without a gap or a repeat;
/// a tail further behind reads on its own until it is (<see cref="TryJoin"/>). The feed stops at the first poll after
/// its last tail has left. A tail that does not keep up (<see cref="PendingPages"/> pages waiting) is dropped: its
/// stream ends and the browser reconnects from the last event it received.
/// </summary>
internal sealed partial class ConsoleTailHub : IAsyncDisposable
{
    public const string MeterName = "AuditKit.Server.Console";

    /// <summary>Events per page of a poll.</summary>
    public const int PageSize = 50;

    /// <summary>How many of its newest events a feed remembers for tails that join it.</summary>
    public const int HistorySize = 4 * PageSize;

    /// <summary>Pages a tail may have waiting before it is dropped.</summary>
    public const int PendingPages = 64;

    private readonly IAuditEventStore _store;
    private readonly IOptions<ConsoleTailOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ConsoleTailHub> _logger;
    private readonly Counter<long> _queries;
    private readonly Dictionary<string, Feed> _feeds = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();

    public ConsoleTailHub(IAuditEventStore store, IOptions<ConsoleTailOptions> options, TimeProvider time, IMeterFactory meterFactory, ILogger<ConsoleTailHub> logger)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
        _queries = meterFactory.Create(MeterName).CreateCounter<long>(
            "auditkit.console.tail.queries", "{query}", "Store queries of the live tails: one per tenant with open tails per poll interval, however many tails it has, besides the reads of a tail catching up before it joins.");
    }

    /// <summary>Whether the feed of <paramref name="tenantId"/> is running (some tail has it open, or it has yet to notice none has).</summary>
    public bool IsRunning(string tenantId)
    {
        lock (_lock)
        {
            return _feeds.ContainsKey(tenantId);
        }
    }

    /// <summary>
    /// Joins the feed of <paramref name="tenantId"/> at <paramref name="position"/> (the position just after the last
    /// event the tail has sent; <see langword="null"/> when it has sent none and the tenant had none), starting the
    /// feed there if the tenant has none running. False when a running feed does not know the position: the tail is
    /// behind it (or ahead of its last poll) and reads on its own before it tries again.
    /// </summary>
    public bool TryJoin(string tenantId, AuditCursor? position, [NotNullWhen(true)] out ConsoleTailSubscription? subscription)
    {
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested)
            {
                // The server is stopping: no new feed (the tail reads on its own until its request ends).
                subscription = null;
                return false;
            }

            if (!_feeds.TryGetValue(tenantId, out var feed))
            {
                feed = new Feed(tenantId, position);
                _feeds.Add(tenantId, feed);
                subscription = feed.Add(this, []);
                _ = Task.Run(() => RunAsync(feed, _stopping.Token));
                return true;
            }

            if (!feed.TryBacklog(position, out var backlog))
            {
                subscription = null;
                return false;
            }

            subscription = feed.Add(this, backlog);
            return true;
        }
    }

    /// <summary>
    /// The tenant's next events after <paramref name="position"/> (at most <see cref="PageSize"/>, oldest first): a
    /// feed's poll, or a tail's own read while it cannot join.
    /// </summary>
    public async Task<IReadOnlyList<AuditEvent>> ReadAsync(string tenantId, AuditCursor? position, CancellationToken cancellationToken)
    {
        _queries.Add(1);
        var query = new AuditEventQuery { Limit = PageSize, IncludeTotal = false, SortBy = AuditSortField.Timestamp, Descending = false, Cursor = position };
        return (await _store.QueryAsync(tenantId, query, cancellationToken).ConfigureAwait(false)).Items;
    }

    private void Leave(Feed feed, ConsoleTailSubscription subscription)
    {
        lock (_lock)
        {
            feed.Subscribers.Remove(subscription);
        }
    }

    private async Task RunAsync(Feed feed, CancellationToken cancellationToken)
    {
        LogFeedStarted(_logger, feed.TenantId);
        try
        {
            while (true)
            {
                await Task.Delay(_options.Value.PollInterval, _time, cancellationToken).ConfigureAwait(false);
                bool more;
                do
                {
                    if (StopIfIdle(feed))
                    {
                        return;
                    }

                    IReadOnlyList<AuditEvent> page = [];
                    try
                    {
                        page = await ReadAsync(feed.TenantId, feed.Position, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        // The store is unreachable: the tails get their heartbeat and the feed tries again next time.
                        LogPollFailed(_logger, ex, feed.TenantId);
                    }

                    Publish(feed, page);
                    more = page.Count == PageSize;
                }
                while (more);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The server is stopping.
        }
        finally
        {
            lock (_lock)
            {
                Forget(feed);
                foreach (var subscriber in feed.Subscribers)
                {
                    subscriber.Complete();
                }

                feed.Subscribers.Clear();
            }

            LogFeedStopped(_logger, feed.TenantId);
        }
    }

    /// <summary>Whether the feed has no tail left; if so it is no longer joinable from this moment.</summary>
    private bool StopIfIdle(Feed feed)
    {
        lock (_lock)
        {
            if (feed.Subscribers.Count > 0)
            {
                return false;
            }

            Forget(feed);
            return true;
        }
    }

    private void Forget(Feed feed)
    {
        if (_feeds.TryGetValue(feed.TenantId, out var current) && ReferenceEquals(current, feed))
        {
            _feeds.Remove(feed.TenantId);
        }
    }

    private void Publish(Feed feed, IReadOnlyList<AuditEvent> page)
    {
        lock (_lock)
        {
            feed.Remember(page);
            for (var i = feed.Subscribers.Count - 1; i >= 0; i--)
            {
                var subscriber = feed.Subscribers[i];
                if (!subscriber.TryWrite(page))
                {
                    // It has not taken its pages: drop it rather than hold events for it without bound.
                    feed.Subscribers.RemoveAt(i);
                    subscriber.Complete();
                    LogTailDropped(_logger, feed.TenantId);
                }
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _stopping.Cancel();
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 942, Level = LogLevel.Debug, Message = "The live tail feed of tenant {TenantId} started.")]
    private static partial void LogFeedStarted(ILogger logger, string tenantId);

    [LoggerMessage(EventId = 943, Level = LogLevel.Debug, Message = "The live tail feed of tenant {TenantId} stopped.")]
    private static partial void LogFeedStopped(ILogger logger, string tenantId);

    [LoggerMessage(EventId = 944, Level = LogLevel.Warning, Message = "The live tail feed of tenant {TenantId} could not read the store; it tries again at its next poll.")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string tenantId);

    [LoggerMessage(EventId = 945, Level = LogLevel.Information, Message = "A live tail of tenant {TenantId} fell {PendingPages} pages behind its feed and was closed; the browser reconnects from its last event.")]
    private static partial void LogTailDropped(ILogger logger, string tenantId, int pendingPages = PendingPages);

    /// <summary>One tenant's feed: where it is, what it remembers, who listens. Guarded by the hub's lock.</summary>
    private sealed class Feed(string tenantId, AuditCursor? start)
    {
        private readonly AuditCursor? _start = start;
        private readonly Queue<AuditEvent> _history = new();
        private bool _forgotten;

        public string TenantId { get; } = tenantId;

        /// <summary>Just after the newest event the feed has read (its start until it reads one).</summary>
        public AuditCursor? Position { get; private set; } = start;

        public List<ConsoleTailSubscription> Subscribers { get; } = [];

        public ConsoleTailSubscription Add(ConsoleTailHub hub, IReadOnlyList<AuditEvent> backlog)
        {
            var subscription = new ConsoleTailSubscription(backlog, PendingPages, leaving => hub.Leave(this, leaving));
            Subscribers.Add(subscription);
            return subscription;
        }

        /// <summary>The remembered events after <paramref name="position"/>, when the feed knows that position.</summary>
        public bool TryBacklog(AuditCursor? position, out IReadOnlyList<AuditEvent> backlog)
        {
            if (SamePosition(position, _start))
            {
                // Everything since the start, unless the feed has read so much that it forgot some.
                backlog = [.. _history];
                return !_forgotten;
            }

            if (position is not null)
            {
                var index = 0;
                foreach (var e in _history)
                {
                    index++;
                    if (e.Id == position.Id && AuditSortColumn.CursorValue(AuditSortField.Timestamp, e) == position.Value)
                    {
                        backlog = [.. _history.Skip(index)];
                        return true;
                    }
                }
            }

            backlog = [];
            return false;
        }

        public void Remember(IReadOnlyList<AuditEvent> page)
        {
            foreach (var e in page)
            {
                _history.Enqueue(e);
                if (_history.Count > HistorySize)
                {
                    _history.Dequeue();
                    _forgotten = true;
                }
            }

            if (page.Count > 0)
            {
                Position = ConsoleTailSubscription.After(page[^1]);
            }
        }

        private static bool SamePosition(AuditCursor? a, AuditCursor? b) =>
            a is null ? b is null : b is not null && a.Id == b.Id && a.Value == b.Value;
    }
}
