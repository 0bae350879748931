namespace AuditKit.Server.Tests.Architecture;

/// <summary>
/// The EF Core model, assembled from each slice's entity configurations, is the one each provider's migrations
/// describe: moving a table's configuration between slices must not change the schema.
/// </summary>
public sealed class ModelSnapshotTests
{
    [Fact]
    public void Postgres_model_has_no_changes_beyond_its_migrations()
    {
        using var context = new PostgresDesignTimeFactory().CreateDbContext([]);
        context.Database.HasPendingModelChanges().ShouldBeFalse();
    }

    [Fact]
    public void Sqlite_model_has_no_changes_beyond_its_migrations()
    {
        using var context = new SqliteDesignTimeFactory().CreateDbContext([]);
        context.Database.HasPendingModelChanges().ShouldBeFalse();
    }
}
