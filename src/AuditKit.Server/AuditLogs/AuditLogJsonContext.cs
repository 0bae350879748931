namespace AuditKit.Server.AuditLogs;

/// <summary>
/// Source-generated JSON metadata for the audit log slice's answers (list, history, analysis, export), with the contract's conventions (snake_case, enums as
/// upper-case strings, nulls omitted). The HTTP JSON options use the same settings (see
/// <c>ApiJsonOptions</c>), because a context added to another options instance follows that instance's settings.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(AuditEventListResponse))]
[JsonSerializable(typeof(AuditGroupListResponse))]
[JsonSerializable(typeof(AuditSummaryResponse))]
internal sealed partial class AuditLogJsonContext : JsonSerializerContext;
