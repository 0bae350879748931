namespace AuditKit.Server.Detection;

/// <summary>The span covered by the matching windows of one key: earliest and latest event, and the largest count seen.</summary>
internal readonly record struct WindowMatch(DateTimeOffset First, DateTimeOffset Last, int Peak);
