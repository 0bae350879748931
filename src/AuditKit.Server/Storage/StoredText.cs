using System.Text.RegularExpressions;

namespace AuditKit.Server.Storage;

/// <summary>
/// Text as both stores can hold it. PostgreSQL rejects the NUL character in text and jsonb, so it is replaced by
/// U+FFFD on every provider alike: an event reads back the same from SQLite as from PostgreSQL.
/// </summary>
internal static partial class StoredText
{
    private const char Replacement = '\uFFFD';

    public static string? Clean(string? value) =>
        value is null || !value.Contains('\0', StringComparison.Ordinal) ? value : value.Replace('\0', Replacement);

    /// <summary>Replaces <c>\u0000</c> escapes in serialized JSON (an escaped backslash before "u0000" is left alone).</summary>
    public static string? CleanJson(string? json) =>
        json is null || !json.Contains("\\u0000", StringComparison.Ordinal) ? json : NulEscape().Replace(json, "$1\\uFFFD");

    [GeneratedRegex(@"(?<!\\)((?:\\\\)*)\\u0000")]
    private static partial Regex NulEscape();
}
