using System.Threading.Channels;

namespace AuditKit.Delivery;

/// <summary>
/// The bounded channel between the threads that log events and the one background task that takes them: the delivery
/// pipeline's batcher and the file sink's writer.
/// </summary>
internal static class AuditEventChannel
{
    /// <summary>A channel of <paramref name="capacity"/> events with many writers and one reader.</summary>
    public static Channel<AuditEvent> Create(int capacity) =>
        Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,

            // The writer is a request thread: never run the reader's continuation on it.
            AllowSynchronousContinuations = false,
        });

    /// <summary>
    /// Stamps the app's service name and version on <paramref name="auditEvent"/> where it has none, and offers it to
    /// <paramref name="writer"/> without waiting: false when the channel is full or completed.
    /// </summary>
    public static bool TryWrite(ChannelWriter<AuditEvent> writer, AuditEvent auditEvent, string? serviceName, string? serviceVersion)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(auditEvent);
        auditEvent.ServiceName ??= serviceName;
        auditEvent.ServiceVersion ??= serviceVersion;
        return writer.TryWrite(auditEvent);
    }
}
