using System.Text.Json.Serialization;

namespace AuditKit;

/// <summary>How much an event matters to security staff. Ordered: a higher value is more severe.</summary>
public enum AuditSeverity
{
    /// <summary>Reads and routine actions.</summary>
    [JsonStringEnumMemberName("LOW")]
    Low = 0,

    /// <summary>Standard create, update and delete operations.</summary>
    [JsonStringEnumMemberName("MEDIUM")]
    Medium = 1,

    /// <summary>Sensitive operations, configuration changes, deletes, forbidden access, server errors.</summary>
    [JsonStringEnumMemberName("HIGH")]
    High = 2,

    /// <summary>Security events: failed sign-ins, permission and role changes.</summary>
    [JsonStringEnumMemberName("CRITICAL")]
    Critical = 3,
}
