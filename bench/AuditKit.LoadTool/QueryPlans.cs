using System.Globalization;
using AuditKit.Server.Storage;
using AuditKit.Server.Storage.Postgres;
using Npgsql;

namespace AuditKit.LoadTool;

/// <summary>
/// Prints PostgreSQL's plan and execution time for the list queries the store builds (the same SQL, the same
/// parameters) against the largest tenant in the database, to check they use the tenant-leading indexes.
/// </summary>
internal static class QueryPlans
{
    public static async Task PrintAsync(NpgsqlDataSource dataSource)
    {
        await using (var analyze = dataSource.CreateCommand("ANALYZE audit_events"))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        var tenant = await ScalarAsync<string>(dataSource, "SELECT tenant_id FROM audit_events GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", null);
        if (tenant is null)
        {
            Console.WriteLine("explain: audit_events is empty; run the store or fill phase first.");
            return;
        }

        var rows = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM audit_events", null);
        var tenantRows = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM audit_events WHERE tenant_id = @t", tenant);
        var user = await ScalarAsync<string>(dataSource, "SELECT user_id FROM audit_events WHERE tenant_id = @t AND user_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC OFFSET 20 LIMIT 1", tenant);
        var resource = await ScalarAsync<string>(dataSource, "SELECT resource_id FROM audit_events WHERE tenant_id = @t AND resource_type = 'Customer' LIMIT 1", tenant);
        var ip = await ScalarAsync<string>(dataSource, "SELECT ip_address FROM audit_events WHERE tenant_id = @t GROUP BY 1 ORDER BY count(*) DESC OFFSET 20 LIMIT 1", tenant);
        var newest = await ScalarAsync<DateTime>(dataSource, "SELECT max(\"timestamp\") FROM audit_events WHERE tenant_id = @t", tenant);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"explain: {rows} events in the table, {tenantRows} in the largest tenant '{tenant}'"));

        var to = new DateTimeOffset(newest, TimeSpan.Zero);
        var queries = new (string Name, AuditEventQuery Query)[]
        {
            ("newest 50", new AuditEventQuery { IncludeTotal = false }),
            ("by user", new AuditEventQuery { UserId = user, IncludeTotal = false }),
            ("by resource (history)", new AuditEventQuery { ResourceType = "Customer", ResourceId = resource, IncludeTotal = false }),
            ("by severity", new AuditEventQuery { Severity = AuditSeverity.Medium, IncludeTotal = false }),
            ("by action", new AuditEventQuery { Action = AuditActions.Delete, IncludeTotal = false }),
            ("by ip", new AuditEventQuery { IpAddress = ip, IncludeTotal = false }),
            ("time range (1 min)", new AuditEventQuery { From = to.AddSeconds(-120), To = to.AddSeconds(-60), IncludeTotal = false }),
            ("search 2 common words", new AuditEventQuery { Search = "delete customer", IncludeTotal = false }),
            ("search a rare word", new AuditEventQuery { Search = "customers " + resource, IncludeTotal = false }),
            ("deep cursor page", new AuditEventQuery { Cursor = new AuditCursor(AuditSortField.Timestamp, true, to.AddSeconds(-150).UtcDateTime.ToString("O", CultureInfo.InvariantCulture), Guid.Empty), IncludeTotal = false }),
            ("by user, with total", new AuditEventQuery { UserId = user }),
        };

        foreach (var (name, query) in queries)
        {
            var sql = AuditEventSql.Build(PostgresSqlDialect.Instance, tenant, query);
            await PlanAsync(dataSource, name, sql.PageSql, sql);
            if (query.IncludeTotal)
            {
                await PlanAsync(dataSource, name + " (count)", sql.CountSql, sql);
            }
        }
    }

    private static async Task PlanAsync(NpgsqlDataSource dataSource, string name, string statement, AuditEventSql sql)
    {
        await using var command = dataSource.CreateCommand("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement);
        sql.Bind(command);
        Console.WriteLine();
        Console.WriteLine($"-- {name}");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            Console.WriteLine(reader.GetString(0));
        }
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, string? tenant)
    {
        await using var command = dataSource.CreateCommand(sql);
        if (tenant is not null)
        {
            command.Parameters.AddWithValue("t", tenant);
        }

        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }
}
