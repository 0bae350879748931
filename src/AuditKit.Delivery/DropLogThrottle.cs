using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace AuditKit.Delivery;

/// <summary>
/// Counts dropped events and lets one log line through per interval with the count since the last one, so a full
/// channel costs the application one counter increment per drop, not a log line. Thread safe, lock free.
/// </summary>
internal sealed class DropLogThrottle(TimeProvider time)
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(10);

    private long _droppedSinceLog;
    private long _lastLogTicks = long.MinValue;

    /// <summary>Counts one drop; true (with the drops to report) when this caller is the one to log them.</summary>
    public bool Drop(out long dropped)
    {
        dropped = Interlocked.Increment(ref _droppedSinceLog);
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastLogTicks);
        if (last != long.MinValue && time.GetElapsedTime(last, now) < s_interval)
        {
            return false;
        }

        if (Interlocked.CompareExchange(ref _lastLogTicks, now, last) != last)
        {
            return false;
        }

        Interlocked.Add(ref _droppedSinceLog, -dropped);
        return true;
    }

    /// <summary>
    /// Counts one drop of an event <paramref name="channel"/> refused and, when this caller is the one to log them,
    /// logs the drops: as written after shutdown, or as refused by the full channel with its backlog.
    /// </summary>
    public void Drop<T>(
        bool shutDown, ILogger logger, ChannelReader<T> channel, Action<ILogger, long> afterShutdown, Action<ILogger, long, int> channelFull)
    {
        if (!Drop(out var dropped))
        {
            return;
        }

        if (shutDown)
        {
            afterShutdown(logger, dropped);
        }
        else
        {
            channelFull(logger, dropped, channel.Count);
        }
    }
}
