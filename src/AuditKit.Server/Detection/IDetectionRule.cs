namespace AuditKit.Server.Detection;

/// <summary>A detection rule: looks at a pass's new events against the stored ones and reports matches.</summary>
internal interface IDetectionRule
{
    /// <summary>Evaluates the pass's events; reports matches with <see cref="DetectionPass.Report"/>.</summary>
    Task EvaluateAsync(DetectionPass pass, CancellationToken cancellationToken);
}
