using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditKit.Delivery;

/// <summary>
/// The <see cref="IAuditSink"/> of the delivery pipeline: a bounded in-memory channel that
/// <see cref="AuditDeliveryService"/> drains in the background. <see cref="TryWrite"/> never waits: when the channel
/// is full the event is refused, counted as dropped and logged.
/// </summary>
internal sealed class AuditDeliveryPipeline : IAuditSink
{

    private readonly Channel<AuditEvent> _channel;
    private readonly AuditDeliveryMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly DropLogThrottle _drops;
    private readonly ILogger _logger;
    private readonly string? _serviceName;
    private readonly string? _serviceVersion;

    public AuditDeliveryPipeline(
        IOptions<AuditKitOptions> options,
        AuditDeliveryMetrics metrics,
        TimeProvider time,
        ILogger<AuditDeliveryPipeline> logger)
    {
        var value = options.Value;
        _channel = AuditEventChannel.Create(value.Delivery.ChannelCapacity);
        _metrics = metrics;
        _time = time;
        _drops = new DropLogThrottle(time);
        _logger = logger;
        _serviceName = value.ServiceName;
        _serviceVersion = value.ServiceVersion;
    }

    internal ChannelReader<AuditEvent> Reader => _channel.Reader;

    /// <summary>How many events wait in the channel.</summary>
    internal int Backlog => _channel.Reader.Count;

    /// <inheritdoc />
    public bool TryWrite(AuditEvent auditEvent)
    {
        if (AuditEventChannel.TryWrite(_channel.Writer, auditEvent, _serviceName, _serviceVersion))
        {
            _metrics.Enqueued();
            return true;
        }

        var shutDown = IsCompleted;
        _metrics.Dropped(1, shutDown ? AuditDropReasons.ShutDown : AuditDropReasons.ChannelFull);
        _drops.Drop(shutDown, _logger, _channel.Reader, AuditDeliveryLog.DroppedAfterShutdown, AuditDeliveryLog.DroppedChannelFull);
        return false;
    }

    /// <summary>Whether the channel accepts no more events.</summary>
    internal bool IsCompleted { get; private set; }

    /// <summary>Refuses further events; what is queued can still be read.</summary>
    internal void Complete()
    {
        IsCompleted = true;
        _channel.Writer.TryComplete();
    }
}
