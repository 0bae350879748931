namespace AuditKit.Middleware;

/// <summary>Cuts request values to the event contract's limits (<see cref="AuditEventLimits"/>).</summary>
internal static class AuditEventText
{
    public static string? Bound(string? value, int max) =>
        value is null || value.Length <= max ? value : value[..max];
}
