namespace AuditKit.Delivery;

/// <summary>
/// The local file sink: events appended as JSON Lines (one event of the wire contract per line) to <see cref="Path"/>,
/// rotated by size into <c>Path.1</c> … <c>Path.N</c>. Bound from configuration section <c>AuditKit:FileSink</c> and
/// validated at start-up. The defaults are those of the older Python audit service's file storage
/// (<c>logs/audit.jsonl</c>, 100 MB, 5 backups), so its files and ours rotate alike.
/// </summary>
public sealed class AuditFileSinkOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditKit:FileSink";

    /// <summary>
    /// The file events are appended to; a relative path is taken from the working directory. Its directory is created
    /// when missing. Give every process its own file: a file is written by one process at a time.
    /// </summary>
    public string Path { get; set; } = System.IO.Path.Combine("logs", "audit.jsonl");

    /// <summary>
    /// The size past which the file is rotated: a line that would take the file over it goes to a new file, and the
    /// full one becomes <c>Path.1</c> (a single line larger than this still gets a file of its own).
    /// </summary>
    public long MaxFileSizeBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// How many rotated files are kept, <c>Path.1</c> (the newest) to <c>Path.N</c>; the oldest beyond that is deleted.
    /// 0 keeps none: the full file is simply started over.
    /// </summary>
    public int MaxBackups { get; set; } = 5;

    /// <summary>How many events may wait in memory for the writer before <see cref="IAuditSink.TryWrite"/> refuses (and counts) new ones.</summary>
    public int ChannelCapacity { get; set; } = 10_000;

    /// <summary>
    /// Whether each write is forced to the disk (fsync) rather than only handed to the operating system. Slower; keeps
    /// the events that were written when the machine, not only the process, stops.
    /// </summary>
    public bool FlushToDisk { get; set; }
}
