namespace AuditKit.Server.Integrity;

/// <summary>
/// Source-generated JSON for the integrity endpoints (verification, checkpoints, public keys), with the API's
/// conventions (snake_case, nulls omitted).
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChainVerificationResponse))]
[JsonSerializable(typeof(CheckpointListResponse))]
[JsonSerializable(typeof(SigningKeyListResponse))]
internal sealed partial class IntegrityJsonContext : JsonSerializerContext;
