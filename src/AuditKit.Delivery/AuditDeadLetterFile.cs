using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace AuditKit.Delivery;

/// <summary>
/// Events that will never be accepted (invalid, or refused by the server) are appended, one JSON object per line, to
/// <c>dead-letter.ndjson</c> in the spool directory, with the reason and the field errors, so an operator can look at
/// them and resend them fixed. Nothing here is ever retried.
/// </summary>
internal sealed class AuditDeadLetterFile
{
    public const string FileName = "dead-letter.ndjson";

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AuditDeadLetterFile(string directory, TimeProvider time, ILogger logger)
    {
        Path = System.IO.Path.Combine(directory, FileName);
        _time = time;
        _logger = logger;
    }

    public string Path { get; }

    /// <summary>Appends one already serialized event.</summary>
    public void Write(ReadOnlyMemory<byte> eventJson, string reason, IEnumerable<AuditFieldError>? errors)
    {
        try
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("dead_lettered_at", _time.GetUtcNow());
                writer.WriteString("reason", reason);
                if (errors is not null)
                {
                    writer.WriteStartArray("errors");
                    foreach (var error in errors)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("field", error.Field);
                        writer.WriteString("message", error.Message);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }

                writer.WritePropertyName("event");
                writer.WriteRawValue(eventJson.Span, skipInputValidation: true);
                writer.WriteEndObject();
            }

            buffer.WriteByte((byte)'\n');
            lock (_lock)
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
                buffer.Position = 0;
                buffer.CopyTo(file);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AuditDeliveryLog.DeadLetterFailed(_logger, Path, ex);
        }
    }

    /// <summary>Appends an event that could not be sent as it is.</summary>
    public void Write(AuditEvent auditEvent, string reason, IEnumerable<AuditFieldError>? errors)
    {
        byte[] json;
        try
        {
            json = JsonSerializer.SerializeToUtf8Bytes(auditEvent, AuditJsonContext.Default.AuditEvent);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            json = System.Text.Encoding.UTF8.GetBytes($"{{\"id\":\"{auditEvent.Id}\"}}");
        }

        Write(json, reason, errors);
    }
}
