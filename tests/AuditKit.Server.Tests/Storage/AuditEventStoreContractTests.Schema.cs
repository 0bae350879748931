using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// The migrations of the provider under test: they build the schema the model expects, a database upgraded one
/// migration at a time (as an existing install is, release after release) ends with the schema of one created in
/// one go, and a database whose history names migrations this build does not have is refused with a clear message.
/// </summary>
public abstract partial class AuditEventStoreContractTests
{
    /// <summary>The schema of the database <paramref name="settings"/> point to, as comparable text (migration history excluded).</summary>
    private protected abstract Task<string> SchemaAsync(Dictionary<string, string?> settings);

    [Fact]
    public async Task The_migrations_build_the_schema_the_model_expects()
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AuditDbContext>>().CreateDbContextAsync();

        db.Database.GetMigrations().ShouldNotBeEmpty();
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        db.Database.HasPendingModelChanges().ShouldBeFalse("the model changed without a migration: add one for each provider (docs/server.md)");
    }

    [Fact]
    public async Task A_database_upgraded_migration_by_migration_has_the_schema_of_one_created_from_empty()
    {
        var (upgradedSettings, dropUpgraded) = await NewDatabaseAsync();
        var (freshSettings, dropFresh) = await NewDatabaseAsync();
        try
        {
            IReadOnlyList<string> migrations;
            await using (var services = BuildServices(upgradedSettings))
            await using (var db = await services.GetRequiredService<IDbContextFactory<AuditDbContext>>().CreateDbContextAsync())
            {
                migrations = db.Database.GetMigrations().ToList();
            }

            foreach (var migration in migrations)
            {
                // A process per release: each start applies only what that release added.
                await using var services = BuildServices(upgradedSettings);
                await using var db = await services.GetRequiredService<IDbContextFactory<AuditDbContext>>().CreateDbContextAsync();
                await db.GetService<IMigrator>().MigrateAsync(migration);
            }

            await using (var services = BuildServices(freshSettings))
            {
                await services.GetRequiredService<AuditStorageInitializer>().InitializeAsync(default);
            }

            var upgraded = await SchemaAsync(upgradedSettings);
            upgraded.ShouldContain(AuditDbContext.EventsTable);
            upgraded.ShouldBe(await SchemaAsync(freshSettings));
        }
        finally
        {
            await dropUpgraded();
            await dropFresh();
        }
    }

    [Fact]
    public async Task A_database_from_before_the_squashed_migrations_is_refused_with_what_to_do()
    {
        var (settings, drop) = await NewDatabaseAsync();
        try
        {
            await using var services = BuildServices(settings);
            await services.GetRequiredService<AuditStorageInitializer>().InitializeAsync(default);

            // The tables exist, but the history names the migrations of a development build before 0.1.0.
            await using (var db = await services.GetRequiredService<IDbContextFactory<AuditDbContext>>().CreateDbContextAsync())
            {
                await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsHistory\"");
                await db.Database.ExecuteSqlRawAsync(
                    "INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ('20261126002101_InitialSchema', '10.0.15'), ('20261126071619_DetectionOutboxAttempts', '10.0.15')");
            }

            var error = await Should.ThrowAsync<InvalidOperationException>(
                () => services.GetRequiredService<AuditStorageInitializer>().InitializeAsync(default));

            error.Message.ShouldContain("20261126002101_InitialSchema");
            error.Message.ShouldContain("20261126071619_DetectionOutboxAttempts");
            error.Message.ShouldContain("0.1.0");
            error.Message.ShouldContain("start the server again");
        }
        finally
        {
            await drop();
        }
    }
}
