using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuditKit.Server.Console;

/// <summary>Source-generated JSON metadata for the live tail's server-sent events.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConsoleTailEvent))]
internal sealed partial class ConsoleTailJsonContext : JsonSerializerContext;
