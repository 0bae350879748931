namespace AuditKit.Server.Storage;

/// <summary>The stored shape of a <see cref="TenantRecord"/>: one row of <c>tenants</c>.</summary>
internal sealed class TenantRow
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
