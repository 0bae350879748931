namespace AuditKit.Benchmarks.EfCore;

/// <summary>How a benchmarked context is configured.</summary>
public enum SaveChangesVariant
{
    /// <summary>No auditing: the baseline.</summary>
    Plain,

    /// <summary><c>AddEntityAuditing</c> with the default options.</summary>
    Audited,

    /// <summary><c>AddEntityAuditing</c> with <c>CaptureBulkOperations = false</c>: nothing watches ExecuteUpdate / ExecuteDelete.</summary>
    AuditedNoBulkCapture,

    /// <summary>
    /// <c>AddInterceptors(GetAuditingInterceptors())</c> with the default options: bulk commands seen through a command
    /// interceptor, the way <c>AddEntityAuditing</c> saw them before it had a command logger of its own.
    /// </summary>
    AuditedWithCommandInterceptor,

    /// <summary>
    /// <c>AddEntityAuditing</c> with the default options where the EF Core internals it uses for speed are not found
    /// (as after an EF Core upgrade that changed them): bulk commands seen through EF Core's diagnostic listener.
    /// </summary>
    AuditedFallback,
}
