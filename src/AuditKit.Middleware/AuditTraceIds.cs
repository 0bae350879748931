using System.Diagnostics;

namespace AuditKit.Middleware;

/// <summary>The W3C trace id every event of the current flow shares.</summary>
internal static class AuditTraceIds
{
    /// <summary>The W3C trace id of the current activity, or <see langword="null"/>.</summary>
    public static string? Current() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.TraceId.ToHexString() : null;
}
