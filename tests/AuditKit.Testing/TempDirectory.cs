namespace AuditKit.Testing;

/// <summary>A directory under the system temp folder that is deleted on dispose; for SQLite files and spool segments.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "auditkit")
    {
        Path = Directory.CreateTempSubdirectory(prefix + "-").FullName;
    }

    public string Path { get; }

    /// <summary>A path inside this directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A SQLite connection string for a new database file inside this directory.</summary>
    public string SqliteConnectionString(string name = "auditkit.db") => $"Data Source={File(name)};Pooling=False";

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finalizer-pending handle; the OS temp cleaner will take it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
