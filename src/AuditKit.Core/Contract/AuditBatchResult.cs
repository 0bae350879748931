namespace AuditKit;

/// <summary>The server's answer to a batch: one <see cref="AuditBatchItemResult"/> per posted event, by index.</summary>
internal sealed class AuditBatchResult
{
    /// <summary>How many events were stored by this request.</summary>
    public int Accepted { get; set; }

    /// <summary>How many events were already stored (same tenant and id) and were not stored again.</summary>
    public int Duplicates { get; set; }

    /// <summary>How many events were invalid and not stored.</summary>
    public int Rejected { get; set; }

    /// <summary>The outcome of each posted event, in the order they were posted.</summary>
    public IList<AuditBatchItemResult> Items { get; set; } = [];
}

/// <summary>The outcome of one event of a batch.</summary>
internal sealed class AuditBatchItemResult
{
    /// <summary>The event's position in the posted array.</summary>
    public int Index { get; set; }

    /// <summary>The event's id (the posted one, or the one the server assigned), when it could be read.</summary>
    public Guid? Id { get; set; }

    /// <summary>One of <see cref="AuditBatchItemStatus"/>.</summary>
    public string Status { get; set; } = AuditBatchItemStatus.Accepted;

    /// <summary>
    /// The event's place in its tenant's hash chain (accepted: the new one; duplicate: the stored one); none when
    /// rejected, or for an event stored before the server kept a chain.
    /// </summary>
    public long? Seq { get; set; }

    /// <summary>The event's chain hash (64 lower-case hex digits), with <see cref="Seq"/>.</summary>
    public string? Hash { get; set; }

    /// <summary>Why the event was rejected, field by field.</summary>
    public IList<AuditFieldError>? Errors { get; set; }
}

/// <summary>The values of <see cref="AuditBatchItemResult.Status"/>.</summary>
internal static class AuditBatchItemStatus
{
    /// <summary>Stored by this request.</summary>
    public const string Accepted = "accepted";

    /// <summary>Already stored; nothing was written.</summary>
    public const string Duplicate = "duplicate";

    /// <summary>Invalid; nothing was written. Retrying the same event will not help.</summary>
    public const string Rejected = "rejected";
}

/// <summary>A validation failure naming the offending field (snake_case wire name, e.g. <c>action</c> or <c>changes[2].property</c>).</summary>
/// <param name="Field">The wire name of the field.</param>
/// <param name="Message">What is wrong with it.</param>
public sealed record AuditFieldError(string Field, string Message);
