using System.Text.Json;
using System.Text.Json.Serialization;
using AuditKit.Server.Webhooks;

namespace AuditKit.Server.Alerts;

/// <summary>
/// Source-generated JSON for the alert and webhook shapes, with the API's conventions (snake_case, enums as their
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
[JsonSerializable(typeof(CreateWebhookRequest))]
[JsonSerializable(typeof(WebhookResponse))]
[JsonSerializable(typeof(WebhookCreatedResponse))]
[JsonSerializable(typeof(WebhookListResponse))]
[JsonSerializable(typeof(WebhookDeliveryResponse))]
[JsonSerializable(typeof(WebhookDeliveryListResponse))]
internal sealed partial class AlertJsonContext : JsonSerializerContext;
