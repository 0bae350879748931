using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditKit.Server.Storage;

/// <summary>
/// <c>console_users</c>: the people who sign in to the console on the embedded default. A server-wide lookup table
/// (a person may hold grants in several tenants), found by name before any tenant is known.
/// </summary>
internal sealed class ConsoleUserRowConfiguration : IEntityTypeConfiguration<ConsoleUserRow>
{
    public const string Table = "console_users";

    public void Configure(EntityTypeBuilder<ConsoleUserRow> users)
    {
        ArgumentNullException.ThrowIfNull(users);

        users.HasSnakeCaseTable(Table, u => u.Id);
        users.Property(u => u.Id).ValueGeneratedNever();
        users.HasIndex(u => u.Username).IsUnique().HasDatabaseName("ux_console_users_username");
    }
}
