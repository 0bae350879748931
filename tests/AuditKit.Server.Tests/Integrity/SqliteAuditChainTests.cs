namespace AuditKit.Server.Tests.Integrity;

/// <summary>The chain on the embedded SQLite file (a real file per test).</summary>
public sealed class SqliteAuditChainTests : AuditChainContractTests, IDisposable
{
    private readonly TempDirectory _directory = new("auditkit-chain");

    private protected override Dictionary<string, string?> StorageSettings() => new()
    {
        ["AuditKit:Storage:SqlitePath"] = _directory.File("auditkit.db"),
    };

    private protected override Task<(Dictionary<string, string?> Settings, Func<Task> Drop)> NewDatabaseAsync() =>
        Task.FromResult<(Dictionary<string, string?>, Func<Task>)>(
            (new() { ["AuditKit:Storage:SqlitePath"] = _directory.File(Guid.NewGuid().ToString("N") + ".db") }, () => Task.CompletedTask));

    private protected override string JsonText(string json) => "'" + json.Replace("'", "''", StringComparison.Ordinal) + "'";

    public void Dispose() => _directory.Dispose();
}
