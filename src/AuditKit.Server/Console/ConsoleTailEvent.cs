namespace AuditKit.Server.Console;

/// <summary>One event as the live tail sends it (the <c>data</c> of a server-sent <c>audit</c> event): the list's columns and the detail page's URL.</summary>
internal sealed record ConsoleTailEvent(
    Guid Id,
    string Time,
    string Action,
    string? Actor,
    string Resource,
    string Status,
    string Severity,
    string? Description,
    string Url);
