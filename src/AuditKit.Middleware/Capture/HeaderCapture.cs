using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AuditKit.Middleware;

/// <summary>
/// Records headers by allowlist, the way ASP.NET Core's HTTP logging does: an allowlisted header keeps its value,
/// any other is recorded with a redacted value, and credentials (<c>Authorization</c>, <c>Cookie</c>,
/// <c>Set-Cookie</c>, ...) are left out entirely.
/// </summary>
internal static class HeaderCapture
{
    public static JsonObject Capture(IHeaderDictionary headers, FrozenSet<string> allowlist, string redactedText)
    {
        var captured = new JsonObject();
        foreach (var (name, values) in headers)
        {
            if (AuditingPolicy.IsNeverRecordedHeader(name))
            {
                continue;
            }

            captured[name.ToLowerInvariant()] = allowlist.Contains(name) ? values.ToString() : redactedText;
        }

        return captured;
    }
}
