namespace AuditKit.Middleware;

/// <summary>Registered by <c>AddAuditing()</c>, so <c>UseAuditing()</c> can tell a missing registration clearly.</summary>
internal sealed class AuditingMarker;
