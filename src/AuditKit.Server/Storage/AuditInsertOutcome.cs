namespace AuditKit.Server.Storage;

/// <summary>What happened to one event handed to <see cref="IAuditEventStore.InsertAsync"/>.</summary>
internal enum AuditInsertOutcome
{
    /// <summary>Stored now.</summary>
    Inserted = 0,

    /// <summary>Already stored (same tenant and id); nothing written.</summary>
    Duplicate = 1,
}
