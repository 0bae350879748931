namespace AuditKit.Server.Detection;

/// <summary>What one evaluation pass did.</summary>
/// <param name="Batches">The batches it evaluated (claimed from the outbox); those offered but not claimed were evaluated before.</param>
/// <param name="Events">The events it evaluated.</param>
/// <param name="Alerts">The alerts it raised or updated.</param>
internal sealed record DetectionPassResult(int Batches, int Events, IReadOnlyList<WrittenAlert> Alerts)
{
    /// <summary>A pass that found nothing to evaluate.</summary>
    public static DetectionPassResult None { get; } = new(0, 0, []);
}
