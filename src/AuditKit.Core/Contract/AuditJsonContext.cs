using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuditKit;

/// <summary>
/// Source-generated System.Text.Json metadata for the wire contract: snake_case names, enums as upper-case strings,
/// nulls omitted. Use <see cref="Default"/> (or <see cref="AuditJson.Options"/>) wherever an event is serialized.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    AllowTrailingCommas = false,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(AuditEvent))]
[JsonSerializable(typeof(List<AuditEvent>))]
[JsonSerializable(typeof(AuditEvent[]))]
[JsonSerializable(typeof(AuditFieldError))]
public sealed partial class AuditJsonContext : JsonSerializerContext;

/// <summary>The ingest endpoint's answer, read by the delivery pipeline and written by the server: not public surface.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuditBatchResult))]
internal sealed partial class AuditBatchJsonContext : JsonSerializerContext;

/// <summary>Shortcuts over <see cref="AuditJsonContext"/>.</summary>
internal static class AuditJson
{
    /// <summary>The options every AuditKit component serializes the contract with.</summary>
    public static JsonSerializerOptions Options => AuditJsonContext.Default.Options;
}
