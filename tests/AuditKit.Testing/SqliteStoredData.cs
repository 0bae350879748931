using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace AuditKit.Testing;

/// <summary>What a SQLite file holds, read as a person with the file would: every table, every column.</summary>
public static class SqliteStoredData
{
    /// <summary>Whether <paramref name="text"/> appears anywhere in the data of the SQLite file <paramref name="databasePath"/> (blobs read as UTF-8).</summary>
    public static async Task<bool> ContainsAsync(string databasePath, string text)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
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
                        var other => Convert.ToString(other, CultureInfo.InvariantCulture),
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
}
