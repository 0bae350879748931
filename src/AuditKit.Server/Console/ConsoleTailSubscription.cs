using System.Threading.Channels;

namespace AuditKit.Server.Console;

/// <summary>
/// One live tail's place in its tenant's feed (<see cref="ConsoleTailHub"/>): the remembered events it joined after,
/// then every page the feed reads, in order, an empty page for a poll that found nothing. Disposing it leaves the feed.
/// </summary>
internal sealed class ConsoleTailSubscription : IDisposable
{
    private readonly Channel<IReadOnlyList<AuditEvent>> _pages;
    private readonly Action<ConsoleTailSubscription> _leave;
    private int _left;

    public ConsoleTailSubscription(IReadOnlyList<AuditEvent> backlog, int pendingPages, Action<ConsoleTailSubscription> leave)
    {
        Backlog = backlog;
        _leave = leave;
        _pages = Channel.CreateBounded<IReadOnlyList<AuditEvent>>(new BoundedChannelOptions(pendingPages)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The events the feed had read after the position the tail joined at, oldest first.</summary>
    public IReadOnlyList<AuditEvent> Backlog { get; }

    /// <summary>The feed's pages from the moment the tail joined; completes when the feed stops or dropped the tail.</summary>
    public ChannelReader<IReadOnlyList<AuditEvent>> Pages => _pages.Reader;

    /// <summary>The ascending keyset position just after <paramref name="e"/>.</summary>
    public static AuditCursor After(AuditEvent e) =>
        new(AuditSortField.Timestamp, false, AuditSortColumn.CursorValue(AuditSortField.Timestamp, e), e.Id);

    internal bool TryWrite(IReadOnlyList<AuditEvent> page) => _pages.Writer.TryWrite(page);

    internal void Complete() => _pages.Writer.TryComplete();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _left, 1) == 0)
        {
            _leave(this);
            Complete();
        }
    }
}
