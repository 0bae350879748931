namespace AuditKit.Server.Storage;

/// <summary>How many events share one value (an action, a severity, a user...); <see cref="Key"/> is null for events without one.</summary>
internal sealed record AuditCount(string? Key, long Count);
