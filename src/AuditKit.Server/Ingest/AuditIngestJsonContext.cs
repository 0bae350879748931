namespace AuditKit.Server.Ingest;

/// <summary>Source-generated JSON for the ingest answers that are not part of the event contract.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AuditDuplicateResponse))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
internal sealed partial class AuditIngestJsonContext : JsonSerializerContext;
