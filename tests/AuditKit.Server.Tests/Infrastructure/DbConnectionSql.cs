namespace AuditKit.Server.Tests.Infrastructure;

/// <summary>One SQL statement on an open connection, for tests that look at or change a database directly.</summary>
internal static class DbConnectionSql
{
    /// <summary>The first column of the first row of <paramref name="sql"/>.</summary>
    public static async Task<object?> ScalarAsync(this DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Runs <paramref name="sql"/> and answers how many rows it changed.</summary>
    public static async Task<int> ExecuteAsync(this DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }
}
