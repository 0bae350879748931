using AuditKit.Server.Storage.Postgres;
using Npgsql;

namespace AuditKit.Server.Tests.Integrity;

/// <summary>
/// The whole chain contract, group commit included, on a PostgreSQL store that keeps two writes of a tenant in flight
/// (<see cref="RelationalAuditEventStore.WritesInFlight"/> at <see cref="AuditGroupCommit.MaxInFlight"/>, a benchmark
/// switch the server does not set): what holds with one write in flight holds with two.
/// </summary>
public sealed class PostgresAuditChainTwoInFlightTests(PostgresDatabaseFixture database) : AuditChainContractTests, IClassFixture<PostgresDatabaseFixture>
{
    private PostgresAuditEventStore? _store;

    private protected override IAuditEventStore Events => _store ??= new(
        Services.GetRequiredService<NpgsqlDataSource>(), ingest: Services.GetRequiredService<PostgresIngestDataSource>())
    {
        WritesInFlight = AuditGroupCommit.MaxInFlight,
    };

    private protected override Dictionary<string, string?> StorageSettings() => PostgresAuditChainTests.Settings(database.ConnectionString);

    private protected override Task<(Dictionary<string, string?> Settings, Func<Task> Drop)> NewDatabaseAsync() =>
        PostgresAuditChainTests.NewPostgresDatabaseAsync();

    private protected override string JsonText(string json) => PostgresAuditChainTests.JsonbText(json);
}
