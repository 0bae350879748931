using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AuditKit.SampleApp.Data;

/// <summary>Creates the schema on first start and seeds the two users and the default settings.</summary>
public static class SampleDatabase
{
    public static async Task InitializeAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SampleDbContext>();
        if (db.Database.IsSqlite()
            && Path.GetDirectoryName(new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        await db.Database.EnsureCreatedAsync(cancellationToken);
        if (await db.Users.AnyAsync(cancellationToken))
        {
            return;
        }

        var hasher = new PasswordHasher<AppUser>();
        AppUser Seed(string username, string password, string roles)
        {
            var user = new AppUser { Username = username, Email = $"{username}@example.com", Roles = roles };
            user.PasswordHash = hasher.HashPassword(user, password);
            return user;
        }

        db.Users.AddRange(Seed("alice", "alice-password", "admin"), Seed("bob", "bob-password", "user"));
        db.Settings.AddRange(
            new AppSetting { Key = "support_email", Value = "support@example.com" },
            new AppSetting { Key = "max_customers", Value = "1000" });
        await db.SaveChangesAsync(cancellationToken);
    }
}
