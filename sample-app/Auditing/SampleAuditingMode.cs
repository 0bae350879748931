namespace AuditKit.SampleApp.Auditing;

/// <summary>Where the sample's audit events go (setting <c>SampleApp:Auditing</c>); the last two exist for benchmarks.</summary>
public enum SampleAuditingMode
{
    /// <summary>To the AuditKit server named by <c>AuditKit:ServerUrl</c>, through the delivery pipeline.</summary>
    Server = 0,

    /// <summary>To an in-process sink that only counts them: the cost of auditing without delivery.</summary>
    InMemory = 1,

    /// <summary>Nowhere: no auditing middleware or interceptor at all (the baseline).</summary>
    Off = 2,
}
