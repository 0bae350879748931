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

        users.ToTable(Table);
        users.HasKey(u => u.Id).HasName("pk_console_users");
        users.Property(u => u.Id).HasColumnName("id").ValueGeneratedNever();
        users.Property(u => u.Username).HasColumnName("username");
        users.Property(u => u.PasswordHash).HasColumnName("password_hash");
        users.Property(u => u.Grants).HasColumnName("grants");
        users.Property(u => u.FailedSignIns).HasColumnName("failed_sign_ins");
        users.Property(u => u.LockedUntil).HasColumnName("locked_until");
        users.Property(u => u.CreatedAt).HasColumnName("created_at");
        users.HasIndex(u => u.Username).IsUnique().HasDatabaseName("ux_console_users_username");
    }
}
