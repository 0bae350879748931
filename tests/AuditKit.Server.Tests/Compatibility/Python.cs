namespace AuditKit.Server.Tests.Compatibility;

/// <summary>Finds a python3 on this machine, preferring one that has the clients' HTTP libraries (httpx, requests).</summary>
internal static class Python
{
    private static readonly Lazy<string?> s_any = new(() => Candidates().FirstOrDefault(c => Runs(c, "pass")));
    private static readonly Lazy<string?> s_withLibraries = new(() => Candidates().FirstOrDefault(c => Runs(c, "import httpx, requests")));

    /// <summary>Any python3 that runs, or null.</summary>
    public static string? Any => s_any.Value;

    /// <summary>A python3 that imports httpx and requests, or null.</summary>
    public static string? WithHttpLibraries => s_withLibraries.Value;

    // Debian's python3 first: python3-httpx and python3-requests install for it, whatever else is on the PATH.
    private static IEnumerable<string> Candidates() => ["/usr/bin/python3", "python3"];

    private static bool Runs(string python, string code)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(python, ["-c", code]) { RedirectStandardError = true, RedirectStandardOutput = true });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill();
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
