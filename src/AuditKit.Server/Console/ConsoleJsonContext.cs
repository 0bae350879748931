namespace AuditKit.Server.Console;

/// <summary>
/// Source-generated JSON metadata of the Console slice, with the API's conventions: the console user admin API and the
/// live tail's server-sent events.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateConsoleUserRequest))]
[JsonSerializable(typeof(ConsoleUserResponse))]
[JsonSerializable(typeof(ConsoleUserListResponse))]
[JsonSerializable(typeof(ConsoleTailEvent))]
internal sealed partial class ConsoleJsonContext : JsonSerializerContext;
