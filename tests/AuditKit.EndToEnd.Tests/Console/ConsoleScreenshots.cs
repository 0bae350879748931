namespace AuditKit.EndToEnd.Tests.Console;

/// <summary>
/// The pictures of docs/console.md: when <c>AUDITKIT_CONSOLE_SCREENSHOTS</c> names a directory, the browser tests save
/// the pages they reach there as <c>console-{name}.png</c> (1280×800 viewport, the whole page). Without it nothing is
/// saved and the tests run exactly as they do otherwise.
/// </summary>
public static class ConsoleScreenshots
{
    /// <summary>The directory the pictures go to, or null when they are not wanted.</summary>
    public static string? TargetDirectory => Environment.GetEnvironmentVariable("AUDITKIT_CONSOLE_SCREENSHOTS") is { Length: > 0 } d ? d : null;

    public static bool Enabled => TargetDirectory is not null;

    /// <summary>Saves the page as <c>console-{name}.png</c> when pictures are wanted; otherwise does nothing.</summary>
    public static async Task TakeAsync(IPage page, string name)
    {
        if (TargetDirectory is { } directory)
        {
            Directory.CreateDirectory(directory);
            await page.SetViewportSizeAsync(1280, 800);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, $"console-{name}.png"), FullPage = true });
        }
    }
}
