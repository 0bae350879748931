namespace AuditKit.Middleware;

/// <summary>
/// Turns request auditing off for an endpoint, controller or route group (also <c>.DisableAuditing()</c>). Explicit
/// business events logged with <see cref="IAuditLogger"/> are still written.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class NoAuditAttribute : Attribute;
