namespace AuditKit.Server.Tests.Infrastructure;

/// <summary>The server on the embedded default: a SQLite file in a temp directory.</summary>
public sealed class SqliteServerFixture : AuditKitServerFixture
{
    private readonly TempDirectory _directory = new("auditkit-server-tests");

    public override string Provider => "SQLite";

    private string DatabasePath => _directory.File("auditkit.db");

    public override Task<bool> StoredDataContainsAsync(string text) => SqliteStoredData.ContainsAsync(DatabasePath, text);

    public override Task<IAsyncDisposable> RefuseEventsAsync(string tenantId, string category) =>
        RefusingTrigger.SqliteEventsAsync(DatabasePath, tenantId, category);

    protected override Task<IReadOnlyDictionary<string, string?>> CreateStorageSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>
        {
            ["ConnectionStrings:AuditKit"] = string.Empty,
            ["AuditKit:Storage:SqlitePath"] = DatabasePath,
        });

    protected override Task DeleteStorageAsync()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
