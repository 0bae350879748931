namespace AuditKit;

/// <summary>The well-known values of <see cref="AuditEvent.Source"/>.</summary>
public static class AuditSources
{
    /// <summary>Recorded by the request auditing middleware.</summary>
    public const string Http = "http";

    /// <summary>Recorded by the EF Core SaveChanges interceptor.</summary>
    public const string EfCore = "efcore";

    /// <summary>A set-based EF Core command (<c>ExecuteUpdate</c> / <c>ExecuteDelete</c>).</summary>
    public const string Bulk = "bulk";

    /// <summary>Logged explicitly by application code or sent by another client.</summary>
    public const string Manual = "manual";

    /// <summary>
    /// Recorded by the AuditKit server about itself (admin actions, reads, alert triage, retention, console). The
    /// server refuses it on ingest, so no client can write a record that passes for the server's own.
    /// </summary>
    public const string Server = "server";

    /// <summary>All well-known sources.</summary>
    public static IReadOnlyList<string> All { get; } = [Http, EfCore, Bulk, Manual, Server];

    /// <summary>Whether <paramref name="source"/> is one of <see cref="All"/>.</summary>
    public static bool IsKnown(string? source) => source is Http or EfCore or Bulk or Manual or Server;
}
