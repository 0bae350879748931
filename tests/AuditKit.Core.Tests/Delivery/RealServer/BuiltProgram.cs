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
        return System.IO.Path.Combine(Repository.Root(), projectDirectory, "bin", configuration, "net10.0", assembly + ".dll");
    }
}
