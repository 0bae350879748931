using System.Text.RegularExpressions;

namespace AuditKit.Server.Storage;

/// <summary>
/// The words of a full-text search: runs of letters and digits, as both stores index them. Every word must appear
/// in the event; nothing in the text is query syntax, so no user input can make a search fail.
/// </summary>
internal static partial class SearchWords
{
    public static IReadOnlyList<string> Split(string search) =>
        [.. NonWord().Split(search).Where(w => w.Length > 0)];

    [GeneratedRegex(@"[^\p{L}\p{N}\p{M}]+")]
    private static partial Regex NonWord();
}
