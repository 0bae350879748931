using Microsoft.Extensions.Logging;

namespace AuditKit.Delivery;

/// <summary>The file sink's log messages (event ids 5200–5219).</summary>
internal static partial class AuditFileSinkLog
{
    [LoggerMessage(5200, LogLevel.Warning, "Audit file sink full: {Dropped} event(s) dropped ({Backlog} waiting). The disk cannot keep up.")]
    public static partial void DroppedChannelFull(ILogger logger, long dropped, int backlog);

    [LoggerMessage(5201, LogLevel.Warning, "{Dropped} audit event(s) written after the file sink shut down were dropped.")]
    public static partial void DroppedAfterShutdown(ILogger logger, long dropped);

    [LoggerMessage(5202, LogLevel.Error, "{Events} audit event(s) could not be written to {Path} and were lost.")]
    public static partial void WriteFailed(ILogger logger, int events, string path, Exception exception);

    [LoggerMessage(5203, LogLevel.Information, "Audit file {Path} reached {MaxBytes} bytes and was rotated (keeping {Backups} backup(s)).")]
    public static partial void Rotated(ILogger logger, string path, long maxBytes, int backups);

    [LoggerMessage(5204, LogLevel.Error, "Audit event {EventId} could not be serialized and was dropped.")]
    public static partial void Unserializable(ILogger logger, Guid eventId, Exception exception);
}
