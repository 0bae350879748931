namespace AuditKit.Server.Storage;

/// <summary>Where an alert is in its triage. Stored as a small integer; serialized in lower case.</summary>
internal enum AlertStatus
{
    /// <summary>Raised and not yet looked at. Further matches of its rule and key update it.</summary>
    [JsonStringEnumMemberName("open")]
    Open = 0,

    /// <summary>Someone is on it. Still the alert further matches update; no new alert is raised for its rule and key.</summary>
    [JsonStringEnumMemberName("acknowledged")]
    Acknowledged = 1,

    /// <summary>Closed. The next match of its rule and key raises a new alert.</summary>
    [JsonStringEnumMemberName("resolved")]
    Resolved = 2,
}
