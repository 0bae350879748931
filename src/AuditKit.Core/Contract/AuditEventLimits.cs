namespace AuditKit;

/// <summary>The bounds the contract puts on an event's fields; enforced by clients before sending and by the server on ingest.</summary>
public static class AuditEventLimits
{
#pragma warning disable CS1591 // The names are the documentation.
    public const int Action = 64;
    public const int Category = 128;
    public const int TenantId = 64;
    public const int ResourceType = 128;
    public const int ResourceId = 256;
    public const int ResourceName = 512;
    public const int UserId = 256;
    public const int Username = 256;
    public const int UserEmail = 320;
    public const int ServiceName = 128;
    public const int ServiceVersion = 64;
    public const int Method = 16;
    public const int Path = 2048;
    public const int Route = 512;
    public const int Query = 4096;
    public const int IpAddress = 64;
    public const int UserAgent = 512;
    public const int RequestId = 128;
    public const int TraceId = 64;
    public const int SessionId = 256;
    public const int Description = 4096;
    public const int ErrorCode = 128;
    public const int ErrorMessage = 8192;
    public const int DataClassification = 64;
    public const int StackTrace = 32768;
    public const int ChangeProperty = 256;
    public const int Changes = 1000;
    public const int Tags = 32;
    public const int Tag = 64;
#pragma warning restore CS1591

    /// <summary>The largest a single event may be, serialized, in bytes.</summary>
    public const int EventBytes = 256 * 1024;

    /// <summary>The most events one batch request may carry.</summary>
    public const int BatchEvents = 1000;

    /// <summary>The largest a batch request body may be, in bytes, after decompression.</summary>
    public const int BatchBytes = 5 * 1024 * 1024;
}
