using System.Text;
using AuditKit.Testing;
using Microsoft.Data.Sqlite;

namespace AuditKit.Server.Tests.Infrastructure;

/// <summary>The server on the embedded default: a SQLite file in a temp directory.</summary>
public sealed class SqliteServerFixture : AuditKitServerFixture
{
    private readonly TempDirectory _directory = new("auditkit-server-tests");

    public override string Provider => "SQLite";

    private string DatabasePath => _directory.File("auditkit.db");

    public override async Task<bool> StoredDataContainsAsync(string text)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i) switch
                    {
                        byte[] bytes => Encoding.UTF8.GetString(bytes),
                        DBNull => null,
                        var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture),
                    };
                    if (value is not null && value.Contains(text, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

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
