namespace AuditKit.Server.Console;

/// <summary>
/// Console URLs with a filter's query string. Link generation for pages refuses route values named like MVC's own
/// (<c>action</c>, <c>controller</c>), and the Events filter has an <c>action</c> field: its query string is appended here.
/// </summary>
internal static class ConsoleUrls
{
    public static string WithQuery(string path, IReadOnlyDictionary<string, string> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return path + QueryString.Create(query.Select(static p => new KeyValuePair<string, string?>(p.Key, p.Value))).ToUriComponent();
    }
}
