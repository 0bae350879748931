namespace AuditKit.Server.Tests.Detection;

/// <summary>
/// The server with detection configured for tests: a webhook secret key, http receivers on 127.0.0.1 allowed, short retry delays,
/// two tenants with overridden thresholds, and a clock that only moves when a test moves it.
/// </summary>
public abstract class DetectionServerFixture : AuditKitServerFixture
{
    protected DetectionServerFixture()
    {
        Time.AutoAdvanceAmount = TimeSpan.Zero;
    }

    /// <summary>Options reading alert and webhook answers as well as the contract's shapes.</summary>
    public static JsonSerializerOptions AlertJson { get; } = CreateAlertJson();

    /// <summary>A tenant id whose brute-force threshold is 3 (not 5).</summary>
    public string StrictTenant { get; } = "strict-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A tenant id whose rate-anomaly rule uses a 10-minute baseline, at least 10 events a minute and a factor of 2.</summary>
    public string RateTenant { get; } = "rate-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A tenant id with its own action alias: <c>signin_denied</c> is <c>LOGIN_FAILED</c> there (and only there).</summary>
    public string AliasTenant { get; } = "alias-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The webhook secret encryption key the server is configured with.</summary>
    public string WebhookKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Completes once every batch stored so far has been evaluated.</summary>
    public Task WaitForDetectionAsync() =>
        Factory.Services.GetRequiredService<DetectionQueue>().WaitForIdleAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Creates the tenant <paramref name="id"/> with a key of each role.</summary>
    public async Task<TestTenant> CreateTenantWithIdAsync(string id)
    {
        using var admin = CreateClient(BootstrapKey);
        return await CreateTenantWithKeysAsync(admin, id);
    }

    /// <summary>The detection and webhook settings every test host gets.</summary>
    protected IReadOnlyDictionary<string, string?> DetectionSettings() => new Dictionary<string, string?>
    {
        ["AuditKit:Webhooks:SecretKey"] = WebhookKey,
        ["AuditKit:Webhooks:RequireHttps"] = "false",
        ["AuditKit:Webhooks:AllowedHosts:0"] = "127.0.0.1",
        ["AuditKit:Webhooks:RetryDelay"] = "00:00:00.050",
        ["AuditKit:Webhooks:MaxAttempts"] = "4",
        [$"AuditKit:Detection:Tenants:{StrictTenant}:BruteForce:Threshold"] = "3",
        [$"AuditKit:Detection:Tenants:{RateTenant}:RateAnomaly:BaselineWindow"] = "00:10:00",
        [$"AuditKit:Detection:Tenants:{RateTenant}:RateAnomaly:MinimumEventsPerMinute"] = "10",
        [$"AuditKit:Detection:Tenants:{RateTenant}:RateAnomaly:Factor"] = "2",
        [$"AuditKit:Actions:Tenants:{AliasTenant}:Aliases:signin_denied"] = "LOGIN_FAILED",
    };

    private static JsonSerializerOptions CreateAlertJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJsonOptions.Apply(options);
        options.TypeInfoResolverChain.Add(AlertJsonContext.Default);
        options.TypeInfoResolverChain.Add(WebhookJsonContext.Default);
        return options;
    }
}

/// <summary>The detection test server on a fresh PostgreSQL database.</summary>
public sealed class PostgresDetectionFixture : DetectionServerFixture
{
    public string ConnectionString { get; private set; } = string.Empty;

    public override string Provider => "PostgreSQL";

    public override Task<bool> StoredDataContainsAsync(string text) => throw new NotSupportedException();

    public override Task<IAsyncDisposable> RefuseEventsAsync(string tenantId, string category) =>
        RefusingTrigger.PostgresEventsAsync(ConnectionString, tenantId, category);

    protected override async Task<IReadOnlyDictionary<string, string?>> CreateStorageSettingsAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync("det");
        return new Dictionary<string, string?>(DetectionSettings()) { ["ConnectionStrings:AuditKit"] = ConnectionString };
    }

    protected override Task DeleteStorageAsync() => TestPostgres.DropDatabaseAsync(ConnectionString);
}

/// <summary>The detection test server on a SQLite file.</summary>
public sealed class SqliteDetectionFixture : DetectionServerFixture
{
    private readonly TempDirectory _directory = new("auditkit-detection-tests");

    public override string Provider => "SQLite";

    public override Task<bool> StoredDataContainsAsync(string text) => throw new NotSupportedException();

    public override Task<IAsyncDisposable> RefuseEventsAsync(string tenantId, string category) =>
        RefusingTrigger.SqliteEventsAsync(_directory.File("auditkit.db"), tenantId, category);

    protected override Task<IReadOnlyDictionary<string, string?>> CreateStorageSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>(DetectionSettings())
        {
            ["ConnectionStrings:AuditKit"] = string.Empty,
            ["AuditKit:Storage:SqlitePath"] = _directory.File("auditkit.db"),
        });

    protected override Task DeleteStorageAsync()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
