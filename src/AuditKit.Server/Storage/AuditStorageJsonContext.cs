using System.Text.Encodings.Web;

namespace AuditKit.Server.Storage;

/// <summary>Source-generated JSON for the parts of an event stored as JSON columns (changes and tags).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<AuditChange>))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class AuditStorageJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Options for JSON written to the database: non-ASCII text is kept as is rather than \u-escaped (the JSON never
    /// reaches HTML, and escaping would bloat every non-English value).
    /// </summary>
    public static JsonSerializerOptions StoredOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The context over <see cref="StoredOptions"/>.</summary>
    public static AuditStorageJsonContext Stored { get; } = new(new JsonSerializerOptions(StoredOptions));
}
