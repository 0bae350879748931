namespace AuditKit.Server.Integrity;

/// <summary>How often the checkpoint job signs each tenant's chain head, bound from <c>AuditKit:Integrity</c>.</summary>
internal sealed class CheckpointOptions
{
    /// <summary>The configuration section of these options.</summary>
    public const string SectionName = SigningKeyOptions.SectionName;

    /// <summary>Every this long each tenant whose chain grew gets a checkpoint (and once more at graceful shutdown).</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(10);
}
