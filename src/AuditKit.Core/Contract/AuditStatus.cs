using System.Text.Json.Serialization;

namespace AuditKit;

/// <summary>The outcome of an audited operation. Serialized in upper case.</summary>
public enum AuditStatus
{
    /// <summary>It worked.</summary>
    [JsonStringEnumMemberName("SUCCESS")]
    Success = 0,

    /// <summary>It failed.</summary>
    [JsonStringEnumMemberName("FAILURE")]
    Failure = 1,

    /// <summary>It is not finished yet (e.g. awaiting approval).</summary>
    [JsonStringEnumMemberName("PENDING")]
    Pending = 2,
}
