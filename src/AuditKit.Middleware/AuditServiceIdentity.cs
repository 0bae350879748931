namespace AuditKit.Middleware;

/// <summary>The emitting application, stamped on every event as <c>service_name</c> / <c>service_version</c>.</summary>
internal sealed record AuditServiceIdentity(string? Name, string? Version);
