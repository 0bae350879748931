using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditKit.Server.Storage;

/// <summary>
/// The one row of <c>api_key_set_version</c>: a number bumped in the transaction of every change to the key set
/// (a key created or revoked, a tenant's access taken from a multi-tenant key). Every server process caches key
/// lookups and polls this number to learn that its cache is stale, whichever process made the change.
/// </summary>
internal sealed class ApiKeySetVersionRow
{
    /// <summary>The id of the only row.</summary>
    public const int SingletonId = 1;

    public int Id { get; set; }

    public long Version { get; set; }
}

/// <summary><c>api_key_set_version</c>: one row, created by the migration that adds the table.</summary>
internal sealed class ApiKeySetVersionRowConfiguration : IEntityTypeConfiguration<ApiKeySetVersionRow>
{
    public void Configure(EntityTypeBuilder<ApiKeySetVersionRow> version)
    {
        ArgumentNullException.ThrowIfNull(version);
        version.HasSnakeCaseTable("api_key_set_version", v => v.Id);
        version.Property(v => v.Id).ValueGeneratedNever();
        version.HasData(new ApiKeySetVersionRow { Id = ApiKeySetVersionRow.SingletonId, Version = 0 });
    }
}
