namespace AuditKit.Server.Alerts;

/// <summary>
/// Source-generated JSON for the alert shapes, with the API's conventions (snake_case, enums as their
/// names, nulls omitted). Used by the HTTP endpoints and for the webhook bodies, so both show an alert alike.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(AlertResponse))]
[JsonSerializable(typeof(AlertListResponse))]
[JsonSerializable(typeof(UpdateAlertRequest))]
[JsonSerializable(typeof(SuspiciousActivityResponse))]
[JsonSerializable(typeof(List<Guid>))]
internal sealed partial class AlertJsonContext : JsonSerializerContext;
