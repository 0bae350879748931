namespace AuditKit.Server.Ingest;

/// <summary>The outcome of <see cref="AuditIngestBody.ReadBatch"/>.</summary>
internal sealed record BatchReadResult(IReadOnlyList<ParsedAuditEvent> Events, AuditFieldError? BodyError, int? TooManyCount)
{
    public static BatchReadResult Read(IReadOnlyList<ParsedAuditEvent> events) => new(events, null, null);

    public static BatchReadResult Invalid(AuditFieldError error) => new([], error, null);

    public static BatchReadResult TooMany(int count) => new([], null, count);
}
