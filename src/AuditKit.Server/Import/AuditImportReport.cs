namespace AuditKit.Server.Import;

/// <summary>What an import did: lines read, events stored, lines already stored before, and lines refused.</summary>
internal sealed class AuditImportReport
{
    /// <summary>Non-blank lines read.</summary>
    public long Read { get; set; }

    /// <summary>Events stored by this import.</summary>
    public long Stored { get; set; }

    /// <summary>Events whose (tenant, id) was already stored (by an earlier import, or by ingest).</summary>
    public long Duplicates { get; set; }

    /// <summary>Every refused line, with where it is and why.</summary>
    public List<AuditImportRejection> Rejections { get; } = [];

    public long Rejected => Rejections.Count;
}

/// <summary>One refused line: its file, its 1-based line number, and what is wrong with it.</summary>
internal sealed record AuditImportRejection(string File, long Line, IReadOnlyList<AuditFieldError> Errors)
{
    public override string ToString() =>
        $"{File}:{Line}: " + string.Join("; ", Errors.Select(static e => e.Field + " " + e.Message));
}
