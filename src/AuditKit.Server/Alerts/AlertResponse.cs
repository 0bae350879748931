using AuditKit.Server.Detection;

namespace AuditKit.Server.Alerts;

/// <summary>An alert as the API and webhooks show it.</summary>
/// <param name="Id">The alert's id.</param>
/// <param name="TenantId">Its tenant.</param>
/// <param name="Rule">The rule that raised it (<see cref="AlertRules"/>).</param>
/// <param name="Title">A one-line description.</param>
/// <param name="KeyType"><c>ip</c>, <c>user</c> or <c>tenant</c>.</param>
/// <param name="Key">The IP, user id or tenant id it is about.</param>
/// <param name="Severity">How much it matters.</param>
/// <param name="Status">open, acknowledged or resolved.</param>
/// <param name="FirstSeen">Event time of the earliest matching event.</param>
/// <param name="LastSeen">Event time of the latest matching event.</param>
/// <param name="Count">The key's events the rule considers between first_seen and last_seen, as of the last update.</param>
/// <param name="Evidence">Ids of the newest of those events (bounded).</param>
/// <param name="Details">The rule's parameters when it last matched.</param>
/// <param name="CreatedAt">When it was raised.</param>
/// <param name="UpdatedAt">When a match last updated it.</param>
/// <param name="AcknowledgedAt">When it was acknowledged.</param>
/// <param name="AcknowledgedBy">Who acknowledged it (the API key, as <c>api-key:{id}</c>).</param>
/// <param name="AcknowledgedNote">The note given when acknowledging.</param>
/// <param name="ResolvedAt">When it was resolved.</param>
/// <param name="ResolvedBy">Who resolved it.</param>
/// <param name="ResolvedNote">The note given when resolving.</param>
internal sealed record AlertResponse(
    Guid Id,
    string TenantId,
    string Rule,
    string Title,
    string KeyType,
    string Key,
    AuditSeverity Severity,
    AlertStatus Status,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    long Count,
    IReadOnlyList<Guid> Evidence,
    JsonObject? Details,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    string? AcknowledgedNote,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy,
    string? ResolvedNote)
{
    public static AlertResponse From(AlertRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(
            row.Id,
            row.TenantId,
            row.Rule,
            AlertRules.Title(row.Rule, row.KeyType, row.KeyValue),
            row.KeyType,
            row.KeyValue,
            row.Severity,
            row.Status,
            row.FirstSeen,
            row.LastSeen,
            row.EventCount,
            JsonSerializer.Deserialize(row.Evidence, AlertJsonContext.Default.ListGuid) ?? [],
            row.Details is null ? null : JsonNode.Parse(row.Details) as JsonObject,
            row.CreatedAt,
            row.UpdatedAt,
            row.AcknowledgedAt,
            row.AcknowledgedBy,
            row.AcknowledgedNote,
            row.ResolvedAt,
            row.ResolvedBy,
            row.ResolvedNote);
    }
}
