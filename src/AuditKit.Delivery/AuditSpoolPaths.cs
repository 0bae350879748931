namespace AuditKit.Delivery;

/// <summary>Where the spool lives when <see cref="AuditKitOptions.SpoolDirectory"/> is not set.</summary>
internal static class AuditSpoolPaths
{
    public static string Resolve(AuditKitOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.SpoolDirectory))
        {
            return Path.GetFullPath(options.SpoolDirectory);
        }

        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        if (string.IsNullOrEmpty(root))
        {
            root = Path.GetTempPath();
        }

        var owner = options.ServiceName ?? System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "app";
        foreach (var invalid in Path.GetInvalidFileNameChars())
        {
            owner = owner.Replace(invalid, '_');
        }

        return Path.Combine(root, "auditkit-spool", owner);
    }
}
