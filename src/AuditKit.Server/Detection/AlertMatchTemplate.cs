namespace AuditKit.Server.Detection;

/// <summary>What a count rule's matches of one key share.</summary>
internal sealed record AlertMatchTemplate(string Rule, string KeyType, AuditSeverity Severity, string Details, AlertTally Tally);
