using System.Text.Json.Serialization;

namespace AuditKit.Server.Integrity;

/// <summary>Source-generated JSON for the integrity endpoints.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChainVerificationResponse))]
internal sealed partial class IntegrityJsonContext : JsonSerializerContext;
