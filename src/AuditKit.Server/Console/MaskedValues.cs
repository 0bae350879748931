namespace AuditKit.Server.Console;

/// <summary>
/// Recognises values the client packages masked before sending: redacted or partial (a run of at least three
/// <c>*</c>, then perhaps the kept last characters) and keyed hashes (<c>hmac:</c> and 32 hex digits). The server
/// never sees the clear value; this only tells the reader that what they see is not it.
/// </summary>
internal static class MaskedValues
{
    public static bool IsMasked(JsonNode? value)
    {
        if (value is not JsonValue scalar || scalar.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }

        var text = scalar.GetValue<string>();
        return text.StartsWith("***", StringComparison.Ordinal) || IsHmacToken(text);
    }

    private static bool IsHmacToken(string text) =>
        text.Length == 37 && text.StartsWith("hmac:", StringComparison.Ordinal) && text.AsSpan(5).ContainsAnyExcept("0123456789abcdef") is false;

    /// <summary>The value as shown: strings as they are, anything else as compact JSON, null as an empty text.</summary>
    public static string Display(JsonNode? value) => value switch
    {
        null => string.Empty,
        JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String => scalar.GetValue<string>(),
        _ => value.ToJsonString(),
    };
}
