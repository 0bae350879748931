namespace AuditKit.Core.Tests.Delivery.RealServer;

/// <summary>Finds the programs this repository builds, in the configuration the tests were built in.</summary>
internal static class BuiltProgram
{
    /// <summary><c>{repository}/{projectDirectory}/bin/{Debug|Release}/net10.0/{assembly}.dll</c>.</summary>
    public static string Path(string projectDirectory, string assembly)
    {
        // {test project}/bin/{configuration}/net10.0/
        var output = new DirectoryInfo(System.IO.Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var configuration = output.Parent!.Name;
        var root = output;
        while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "AuditKit.sln")))
        {
            root = root.Parent;
        }

        return root is null
            ? throw new FileNotFoundException("AuditKit.sln not found above " + AppContext.BaseDirectory)
            : System.IO.Path.Combine(root.FullName, projectDirectory, "bin", configuration, "net10.0", assembly + ".dll");
    }
}
