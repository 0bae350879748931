namespace AuditKit.Testing;

/// <summary>The checkout the tests run from, for tests that read its documentation, scripts or built programs.</summary>
public static class Repository
{
    /// <summary>The nearest directory above the test's output that holds <c>AuditKit.sln</c>.</summary>
    public static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "AuditKit.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new FileNotFoundException("AuditKit.sln not found above " + AppContext.BaseDirectory);
    }
}
