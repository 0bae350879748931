namespace AuditKit.Core.Tests.Delivery;

/// <summary>A small real tmpfs mounted for one test, so the spool meets a genuinely full disk; unmounted on dispose.</summary>
internal sealed class TmpfsMount : IDisposable
{
    private static readonly Lazy<string?> s_notPermitted = new(Probe);

    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    /// <summary>Why a tmpfs cannot be mounted here, or <see langword="null"/> when it can.</summary>
    public static string? NotPermitted => s_notPermitted.Value;

    public static TmpfsMount Mount(string size)
    {
        var path = Directory.CreateTempSubdirectory("auditkit-tmpfs-").FullName;
        var error = Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
        if (error is not null)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"mount -t tmpfs failed: {error}");
        }

        return new TmpfsMount(path);
    }

    public void Dispose()
    {
        Run("umount", Path);
        Directory.Delete(Path, recursive: true);
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "a tmpfs can only be mounted on Linux";
        }

        try
        {
            using var probe = Mount("64k");
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            return $"mounting a tmpfs is not permitted here (run the tests as root on Linux to include it): {ex.Message}";
        }
    }

    private static string? Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : $"{command} exited with {process.ExitCode}: {error.Trim()}";
    }
}

/// <summary>A fact that needs <see cref="TmpfsMount"/>: skipped, saying why, where mounting is not permitted.</summary>
internal sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (TmpfsMount.NotPermitted is { } reason)
        {
            Skip = reason;
        }
    }
}
