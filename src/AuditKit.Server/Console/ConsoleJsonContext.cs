using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuditKit.Server.Console;

/// <summary>Source-generated JSON metadata for the console user admin API, with the API's conventions.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateConsoleUserRequest))]
[JsonSerializable(typeof(ConsoleUserResponse))]
[JsonSerializable(typeof(ConsoleUserListResponse))]
internal sealed partial class ConsoleJsonContext : JsonSerializerContext;
