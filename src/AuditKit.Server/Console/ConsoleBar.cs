namespace AuditKit.Server.Console;

/// <summary>One bar of an Overview chart: what it counts and how many.</summary>
internal sealed record ConsoleBar(string Label, long Count);
