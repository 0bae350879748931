namespace AuditKit.Server.Console;

/// <summary>Section <c>AuditKit:Console:Tail</c>: the live tail's polling interval and how many tails one person may hold open.</summary>
internal sealed class ConsoleTailOptions
{
    public const string SectionName = "AuditKit:Console:Tail";

    /// <summary>How often an open tail asks the store for newer events.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Open tails (server-sent event streams) one person may hold at once; more are answered 429.</summary>
    public int MaxConnectionsPerPerson { get; set; } = 3;
}
