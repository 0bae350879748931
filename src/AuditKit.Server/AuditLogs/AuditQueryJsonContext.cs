using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// Source-generated JSON metadata for the answers of the history, analysis and export endpoints, with the same
/// conventions as <see cref="AuditLogJsonContext"/>.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(AuditGroupListResponse))]
[JsonSerializable(typeof(AuditSummaryResponse))]
internal sealed partial class AuditQueryJsonContext : JsonSerializerContext;
