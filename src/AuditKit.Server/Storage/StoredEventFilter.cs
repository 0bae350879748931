namespace AuditKit.Server.Storage;

/// <summary>
/// The stored events of one kind by one key that the detection rules read back and count (for instance the failed
/// logins by IP): a key column and a predicate over alias <c>e</c>, named so the rules never write SQL.
/// </summary>
internal sealed class StoredEventFilter
{
    private StoredEventFilter(string keyColumn, string predicate)
    {
        KeyColumn = keyColumn;
        Predicate = predicate;
        Tally = new EventTally($"e.{keyColumn} = {{key}} AND {predicate}");
    }

    /// <summary>Failed logins by IP.</summary>
    public static StoredEventFilter FailedLoginsByIp { get; } = new("ip_address", StoredEventPredicates.FailedLoginSql);

    /// <summary>Failed logins of a known user, by IP.</summary>
    public static StoredEventFilter FailedLoginsWithUserByIp { get; } = new("ip_address", $"e.user_id IS NOT NULL AND {StoredEventPredicates.FailedLoginSql}");

    /// <summary>Failed logins by user.</summary>
    public static StoredEventFilter FailedLoginsByUser { get; } = new("user_id", StoredEventPredicates.FailedLoginSql);

    /// <summary>Failed logins from a known IP, by user.</summary>
    public static StoredEventFilter FailedLoginsWithIpByUser { get; } = new("user_id", $"e.ip_address IS NOT NULL AND {StoredEventPredicates.FailedLoginSql}");

    /// <summary>Successful logins by user.</summary>
    public static StoredEventFilter SuccessfulLoginsByUser { get; } = new("user_id", StoredEventPredicates.SuccessfulLoginSql);

    /// <summary>Failed and successful logins by user.</summary>
    public static StoredEventFilter LoginsByUser { get; } =
        new("user_id", $"({StoredEventPredicates.FailedLoginSql} OR {StoredEventPredicates.SuccessfulLoginSql})");

    /// <summary>Grants of a role or permission, by grantee.</summary>
    public static StoredEventFilter GrantsByGrantee { get; } = new("resource_id", StoredEventPredicates.GrantSql);

    /// <summary>HIGH or CRITICAL events by user.</summary>
    public static StoredEventFilter HighSeverityByUser { get; } = new("user_id", StoredEventPredicates.HighSeveritySql);

    /// <summary>CRITICAL events of the whole tenant (the key is the tenant id).</summary>
    public static StoredEventFilter CriticalByTenant { get; } = new("tenant_id", "e.severity = 3");

    /// <summary>CRITICAL events by user.</summary>
    public static StoredEventFilter CriticalByUser { get; } = new("user_id", "e.severity = 3");

    /// <summary>DELETE events (canonical action) by user.</summary>
    public static StoredEventFilter DeletesByUser { get; } = new("user_id", "e.action_canonical = 'DELETE'");

    /// <summary>EXPORT events (canonical action) by user.</summary>
    public static StoredEventFilter ExportsByUser { get; } = new("user_id", "e.action_canonical = 'EXPORT'");

    /// <summary>The tally of an alert over these events: the key's events between its first_seen and last_seen.</summary>
    public AlertTally Tally { get; }

    internal string KeyColumn { get; }

    internal string Predicate { get; }
}
