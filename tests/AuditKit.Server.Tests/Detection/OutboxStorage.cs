namespace AuditKit.Server.Tests.Detection;

/// <summary>
/// A database that outlives the server processes (test hosts) started on it one after the other or side by side, and
/// reads of the detection tables behind the API.
/// </summary>
public sealed class OutboxStorage : IAsyncDisposable
{
    private readonly string? _postgres;
    private readonly TempDirectory? _directory;

    private OutboxStorage(string? postgres, TempDirectory? directory, IReadOnlyDictionary<string, string?> settings)
    {
        _postgres = postgres;
        _directory = directory;
        Settings = settings;
    }

    /// <summary>
    /// What every host on this storage is configured with: the database, and a sweep interval longer than any test
    /// moves the clock, so the only sweeps are the one at start-up and those a test runs.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public static async Task<OutboxStorage> CreateAsync(string provider)
    {
        var sweep = new Dictionary<string, string?> { ["AuditKit:Detection:SweepInterval"] = "1.00:00:00" };
        if (provider == "PostgreSQL")
        {
            var connectionString = await TestPostgres.CreateDatabaseAsync("outbox");
            return new OutboxStorage(connectionString, null, new Dictionary<string, string?>(sweep) { ["ConnectionStrings:AuditKit"] = connectionString });
        }

        var directory = new TempDirectory("auditkit-outbox-tests");
        return new OutboxStorage(null, directory, new Dictionary<string, string?>(sweep)
        {
            ["ConnectionStrings:AuditKit"] = string.Empty,
            ["AuditKit:Storage:SqlitePath"] = directory.File("auditkit.db"),
        });
    }

    internal static async Task<TestTenant> CreateTenantAsync(DetectionHost host, string prefix, string? id = null)
    {
        using var admin = host.CreateClient(AuditKitServerFixture.BootstrapKey);
        return await AuditKitServerFixture.CreateTenantWithKeysAsync(admin, id ?? $"{prefix}-{Guid.NewGuid():N}"[..20]);
    }

    internal static async Task<AuditBatchResult> PostAsync(HttpClient ingest, object[] batch)
    {
        var result = await (await ingest.PostAsJsonAsync("/api/v1/audit-logs/batch", batch)).ReadBatchResultAsync();
        result.Rejected.ShouldBe(0);
        return result;
    }

    internal static async Task<IReadOnlyList<AlertResponse>> AlertsAsync(DetectionHost host, TestTenant tenant, string rule)
    {
        using var read = host.CreateClient(tenant.ReadKey);
        return (await read.GetFromJsonAsync<AlertListResponse>($"/api/v1/alerts?rule={rule}&limit=1000", DetectionServerFixture.AlertJson))!.Items;
    }

    /// <summary>Makes the database refuse the rows inserted into <paramref name="table"/> for which <paramref name="condition"/> (on <c>NEW</c>) holds.</summary>
    internal Task<IAsyncDisposable> RefuseAsync(string table, string condition) =>
        _postgres is not null
            ? RefusingTrigger.PostgresAsync(_postgres, table, condition)
            : RefusingTrigger.SqliteAsync(_directory!.File("auditkit.db"), table, condition);

    /// <summary>The outbox rows of <paramref name="tenantId"/>, oldest first: their event counts and event ids.</summary>
    internal static async Task<List<(int Count, Guid[] EventIds)>> OutboxAsync(DetectionHost host, string tenantId)
    {
        var rows = new List<(int, Guid[])>();
        await using var connection = await Database(host).OpenAsync(StorageScope.Tenant(tenantId), CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT event_count, event_ids FROM detection_outbox WHERE tenant_id = {DbParameters.Add(command, "@t", tenantId)} ORDER BY created_at, id";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), DetectionOutbox.DecodeIds((byte[])reader.GetValue(1))));
        }

        return rows;
    }

    /// <summary>The events of <paramref name="tenantId"/> the rate-anomaly rule has counted (each evaluated event adds one).</summary>
    internal static async Task<long> MinuteCountsAsync(DetectionHost host, string tenantId) =>
        Convert.ToInt64(
            await ScalarAsync(host, $"SELECT coalesce(sum(event_count), 0) FROM detection_user_minutes WHERE tenant_id = @t", tenantId),
            CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="sql"/> with the tenant id as <c>@t</c>; returns the rows it changed.</summary>
    internal static async Task<int> ExecuteAsync(DetectionHost host, string sql, string tenantId)
    {
        await using var connection = await Database(host).OpenAsync(StorageScope.Tenant(tenantId), CancellationToken.None);
        await using var command = connection.CreateCommand();
        DbParameters.Add(command, "@t", tenantId);
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    internal static async Task<object?> ScalarAsync(DetectionHost host, string sql, string tenantId)
    {
        await using var connection = await Database(host).OpenAsync(StorageScope.Tenant(tenantId), CancellationToken.None);
        await using var command = connection.CreateCommand();
        DbParameters.Add(command, "@t", tenantId);
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await TestPostgres.DropDatabaseAsync(_postgres);
        }

        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            _directory.Dispose();
        }
    }

    private static StorageConnections Database(DetectionHost host) => host.Services.GetRequiredService<StorageConnections>();
}
