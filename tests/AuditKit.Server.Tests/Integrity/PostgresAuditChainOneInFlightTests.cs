namespace AuditKit.Server.Tests.Integrity;

/// <summary>
/// The whole chain contract, group commit included, on a PostgreSQL store that keeps one write of a tenant in flight
/// (<see cref="RelationalAuditEventStore.WritesInFlight"/> at 1, a benchmark switch the server does not set; it keeps
/// <see cref="AuditGroupCommit.MaxInFlight"/>): what holds with two writes in flight holds with one, where every write
/// links after the committed head.
/// </summary>
public sealed class PostgresAuditChainOneInFlightTests(PostgresDatabaseFixture database) : AuditChainContractTests, IClassFixture<PostgresDatabaseFixture>
{
    private PostgresAuditEventStore? _store;

    private protected override IAuditEventStore Events => _store ??= new(
        Services.GetRequiredService<NpgsqlDataSource>(), ingest: Services.GetRequiredService<PostgresIngestDataSource>())
    {
        WritesInFlight = 1,
    };

    private protected override Dictionary<string, string?> StorageSettings() => PostgresAuditChainTests.Settings(database.ConnectionString);

    private protected override Task<(Dictionary<string, string?> Settings, Func<Task> Drop)> NewDatabaseAsync() =>
        PostgresAuditChainTests.NewPostgresDatabaseAsync();

    private protected override string JsonText(string json) => PostgresAuditChainTests.JsonbText(json);
}
