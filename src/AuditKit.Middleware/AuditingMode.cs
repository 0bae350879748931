namespace AuditKit.Middleware;

/// <summary>Which requests the auditing middleware records.</summary>
public enum AuditingMode
{
    /// <summary>Every request that is not excluded (successful reads may still be sampled; see <see cref="AuditingOptions.SuccessfulReadSampleRate"/>).</summary>
    AllRequests = 0,

    /// <summary>
    /// Only state-changing requests (any method but GET, HEAD, OPTIONS and TRACE), plus endpoints marked with
    /// <see cref="AuditedAttribute"/> and requests carrying a sign-in outcome.
    /// </summary>
    StateChanging = 1,

    /// <summary>Only endpoints marked with <see cref="AuditedAttribute"/> or <c>.WithAuditing()</c>, plus requests carrying a sign-in outcome.</summary>
    ExplicitOnly = 2,
}
