namespace AuditKit.Server.Common;

/// <summary>
/// The values that mark a record as written by the server itself (admin actions, reads, alert triage, retention,
/// console activity). Ingest refuses them, so a key that may only ingest cannot write a record that passes for the
/// server's own; matching is case-insensitive after trimming, as a reader of the log would compare them.
/// </summary>
internal static class ServerRecords
{
    /// <summary>The <c>source</c> of every record the server writes.</summary>
    public const string Source = AuditSources.Server;

    /// <summary>The <c>service_name</c> of every record the server writes.</summary>
    public const string ServiceName = "auditkit-server";

    /// <summary>The <c>category</c> of admin API records.</summary>
    public const string AdminCategory = "admin";

    /// <summary>The <c>category</c> of the records of reads (exports, reads by id, listings).</summary>
    public const string AccessCategory = "access";

    /// <summary>The <c>category</c> of alert triage records.</summary>
    public const string AlertCategory = "alert";

    /// <summary>The <c>category</c> of retention records.</summary>
    public const string RetentionCategory = "retention";

    /// <summary>The <c>category</c> of console records.</summary>
    public const string ConsoleCategory = "console";

    /// <summary>Every category the server writes under.</summary>
    public static IReadOnlyList<string> Categories { get; } =
        [AdminCategory, AccessCategory, AlertCategory, RetentionCategory, ConsoleCategory];

    /// <summary>Whether a posted <c>source</c> is the server's.</summary>
    public static bool IsReservedSource(string? source) => Matches(source, Source);

    /// <summary>Whether a posted <c>category</c> is one the server writes under.</summary>
    public static bool IsReservedCategory(string? category)
    {
        foreach (var reserved in Categories)
        {
            if (Matches(category, reserved))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a posted <c>service_name</c> is the server's.</summary>
    public static bool IsReservedServiceName(string? serviceName) => Matches(serviceName, ServiceName);

    private static bool Matches(string? value, string reserved) =>
        value is not null && value.AsSpan().Trim().Equals(reserved, StringComparison.OrdinalIgnoreCase);
}
