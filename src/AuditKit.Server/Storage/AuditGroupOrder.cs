namespace AuditKit.Server.Storage;

/// <summary>The order of the groups <see cref="IAuditEventStore.GroupAsync"/> answers; ties are broken by the key.</summary>
internal enum AuditGroupOrder
{
    /// <summary>Most recently seen first (a user's IP history).</summary>
    LastSeen = 0,

    /// <summary>Most events first (where failed logins come from).</summary>
    Count = 1,
}
