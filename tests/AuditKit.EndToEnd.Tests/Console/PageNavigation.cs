using System.Text;
using System.Text.RegularExpressions;

namespace AuditKit.EndToEnd.Tests.Console;

/// <summary>
/// Opens and waits for the console's pages without Playwright's load events. <c>WaitForURLAsync</c> and
/// <c>GotoAsync</c> wait for the page's <c>load</c> event (<c>WaitForURLAsync</c> even when asked to wait only for the
/// commit, once the URL already matches), and on a loaded CI machine that wait has timed out after a click's
/// navigation although the page was there (the waiter's log showed only <c>networkidle</c> firing). The console's
/// pages are rendered on the server, so a page is ready once its document is parsed: both the URL and the document's
/// state are read from the page itself, polled until they match.
/// </summary>
public static class PageNavigation
{
    private const string Parsed = "document.readyState !== 'loading'";

    private const string AtParsedPage = "pattern => new RegExp(pattern).test(location.href) && " + Parsed;

    /// <summary>Waits until the page is at a URL matching the glob <paramref name="url"/> and its document is parsed.</summary>
    public static async Task WaitForPageAsync(this IPage page, string url, float? timeout = null) =>
        await page.WaitForFunctionAsync(AtParsedPage, GlobPattern(url), new() { Timeout = timeout });

    /// <summary>Waits until the page is at a URL <paramref name="url"/> finds a match in and its document is parsed.</summary>
    public static async Task WaitForPageAsync(this IPage page, Regex url) =>
        await page.WaitForFunctionAsync(AtParsedPage, url.ToString());

    /// <summary>Opens <paramref name="url"/> and waits until its document is parsed; the main resource's response.</summary>
    public static async Task<IResponse?> OpenAsync(this IPage page, string url)
    {
        var response = await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForFunctionAsync(Parsed);
        return response;
    }

    /// <summary>A glob as Playwright reads URL globs (<c>**</c> any characters, <c>*</c> any but <c>/</c>), as a whole-URL pattern.</summary>
    private static string GlobPattern(string glob)
    {
        var pattern = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            if (glob[i] != '*')
            {
                pattern.Append(Regex.Escape(glob[i].ToString()));
            }
            else if (i + 1 < glob.Length && glob[i + 1] == '*')
            {
                pattern.Append(".*");
                i++;
            }
            else
            {
                pattern.Append("[^/]*");
            }
        }

        return pattern.Append('$').ToString();
    }
}
