namespace AuditKit.Benchmarks.EfCore;

/// <summary>How a benchmarked context is configured.</summary>
public enum SaveChangesVariant
{
    /// <summary>No auditing: the baseline.</summary>
    Plain,

    /// <summary><c>AddAuditing</c> with the default options.</summary>
    Audited,

    /// <summary><c>AddAuditing</c> without the command interceptor that sees ExecuteUpdate / ExecuteDelete.</summary>
    AuditedNoBulkCapture,
}
