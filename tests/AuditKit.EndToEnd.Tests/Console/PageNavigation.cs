using System.Text.RegularExpressions;

namespace AuditKit.EndToEnd.Tests.Console;

/// <summary>
/// Opens and waits for the console's pages without Playwright's load events. <c>WaitForURLAsync</c> and
/// <c>GotoAsync</c> wait for the page's <c>load</c> event by default, and on a loaded CI machine that wait has timed
/// out after a click's navigation although the page was there (the waiter's log showed only <c>networkidle</c>
/// firing). The console's pages are rendered on the server, so a page is ready once its document is parsed, which is
/// read from the page itself.
/// </summary>
public static class PageNavigation
{
    private const string Parsed = "document.readyState !== 'loading'";

    /// <summary>Waits until the page is at a URL matching <paramref name="url"/> (a glob) and its document is parsed.</summary>
    public static async Task WaitForPageAsync(this IPage page, string url, float? timeout = null)
    {
        await page.WaitForURLAsync(url, new() { WaitUntil = WaitUntilState.Commit, Timeout = timeout });
        await page.WaitForFunctionAsync(Parsed, null, new() { Timeout = timeout });
    }

    /// <summary>Opens <paramref name="url"/> and waits until its document is parsed; the main resource's response.</summary>
    public static async Task<IResponse?> OpenAsync(this IPage page, string url)
    {
        var response = await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForFunctionAsync(Parsed);
        return response;
    }

    /// <summary>Waits until the page is at a URL matching <paramref name="url"/> and its document is parsed.</summary>
    public static async Task WaitForPageAsync(this IPage page, Regex url)
    {
        await page.WaitForURLAsync(url, new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForFunctionAsync(Parsed);
    }
}
