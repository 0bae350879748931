namespace AuditKit.Server.Tests.Compatibility;

/// <summary>A fact that needs python3: skipped, saying why, only on a machine without any python3.</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute()
    {
        if (Python.Any is null)
        {
            Skip = "python3 is not installed, so the Python clients cannot be run (apt-get install python3 python3-httpx python3-requests).";
        }
    }
}
