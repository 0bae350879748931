namespace AuditKit.Server.Tests.Infrastructure;

/// <summary>
/// One AuditKit server (in-memory test host over the real pipeline) on a fresh database for a test class. Tests
/// stay independent by creating a tenant of their own with <see cref="CreateTenantAsync"/>.
/// </summary>
public abstract class AuditKitServerFixture : IAsyncLifetime
{
    public const string BootstrapKey = "test-bootstrap-admin-key-0123456789abcdefghij";

    /// <summary>The options the tests read responses with: the wire contract's snake_case and enum names.</summary>
    public static JsonSerializerOptions Json { get; } = CreateJsonOptions();

    private WebApplicationFactory<Program>? _factory;

    /// <summary>The server's clock: starts at a fixed instant and moves 1 ms each time it is read.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>The provider's name, for messages.</summary>
    public abstract string Provider { get; }

    /// <summary>The id of the key the server signs checkpoints with.</summary>
    public string SigningKeyId { get; } = "test-key";

    /// <summary>The PEM of the key the server signs checkpoints with, for tools run beside it (the verify command).</summary>
    public string SigningKeyPem { get; } = NewSigningKeyPem();

    private static string NewSigningKeyPem()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    public async Task InitializeAsync()
    {
        var settings = await CreateStorageSettingsAsync();
        _factory = TestServerHost.Create(
            [
                TestServerHost.UnpacedDetection,

                // A configured checkpoint key on both providers (PostgreSQL signs nothing without one).
                KeyValuePair.Create("AuditKit:Integrity:SigningKeys:0:KeyId", (string?)SigningKeyId),
                KeyValuePair.Create("AuditKit:Integrity:SigningKeys:0:PrivateKeyPem", (string?)SigningKeyPem),
                KeyValuePair.Create("AuditKit:Integrity:SigningKeys:0:Active", (string?)"true"),
                .. settings,
            ],
            Time);

        // Start the host now so schema creation is not billed to the first test.
        using var client = _factory.CreateClient();
        (await client.GetAsync("/health/ready")).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await DeleteStorageAsync();
    }

    /// <summary>A client sending <paramref name="apiKey"/> as a bearer token (none when null).</summary>
    public HttpClient CreateClient(string? apiKey = null) => Factory.CreateBearerClient(apiKey);

    /// <summary>Creates a tenant with a unique id and one key of each role.</summary>
    public async Task<TestTenant> CreateTenantAsync(string? prefix = "t")
    {
        using var admin = CreateClient(BootstrapKey);
        return await CreateTenantWithKeysAsync(admin, $"{prefix}-{Guid.NewGuid():N}");
    }

    /// <summary>Creates the tenant <paramref name="id"/> through <paramref name="admin"/> (the bootstrap key) with one key of each role.</summary>
    public static async Task<TestTenant> CreateTenantWithKeysAsync(HttpClient admin, string id)
    {
        var (ingest, read) = await CreateTenantWithIngestAndReadKeysAsync(admin, id, $"Tenant {id}");
        return new TestTenant(id, ingest, read, await CreateKeyAsync(admin, id, "admin"));
    }

    /// <summary>
    /// Creates the tenant <paramref name="id"/> (named <paramref name="name"/>, else by its id) through
    /// <paramref name="admin"/> (the bootstrap key) with one ingest and one read key.
    /// </summary>
    public static async Task<(string Ingest, string Read)> CreateTenantWithIngestAndReadKeysAsync(HttpClient admin, string id, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(admin);
        (await admin.PostAsJsonAsync("/api/v1/admin/tenants", new { id, name = name ?? id })).EnsureSuccessStatusCode();
        return (await CreateKeyAsync(admin, id, "ingest"), await CreateKeyAsync(admin, id, "read"));
    }

    /// <summary>
    /// Stores one event of <paramref name="tenant"/> (<paramref name="body"/>, timestamped now by <see cref="Time"/>)
    /// through <c>POST /api/v1/audit-logs</c>, and returns its id.
    /// </summary>
    public async Task<Guid> IngestOneAsync(TestTenant tenant, object body)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        using var ingest = CreateClient(tenant.IngestKey);
        var json = JsonSerializer.SerializeToNode(body)!.AsObject();
        json["timestamp"] = Time.GetUtcNow();
        var response = await ingest.PostAsJsonAsync("/api/v1/audit-logs", json);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Creates a key for <paramref name="tenantId"/> and returns the clear key.</summary>
    public static async Task<string> CreateKeyAsync(HttpClient admin, string tenantId, string role, object? extra = null)
    {
        var response = await admin.PostAsJsonAsync($"/api/v1/admin/tenants/{tenantId}/keys", extra ?? new { role });
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("key").GetString()!;
    }

    /// <summary>Whether <paramref name="text"/> appears anywhere in the stored data (every table, every column).</summary>
    public abstract Task<bool> StoredDataContainsAsync(string text);

    /// <summary>
    /// Makes the database refuse (raise an error on) every audit event of <paramref name="tenantId"/> with
    /// <paramref name="category"/>, as a full disk or a failing constraint would, until the result is disposed.
    /// </summary>
    public abstract Task<IAsyncDisposable> RefuseEventsAsync(string tenantId, string category);

    /// <summary>
    /// A connection that may change anything stored (the superuser on PostgreSQL, where the server's own role may not
    /// UPDATE or DELETE events), for tests that tamper with the database behind the server's back.
    /// </summary>
    public virtual async Task<System.Data.Common.DbConnection> OpenTamperConnectionAsync() =>
        await Factory.Services.GetRequiredService<AuditKit.Server.Storage.StorageConnections>().OpenAsync(AuditKit.Server.Storage.StorageScope.System, default);

    /// <summary>
    /// The command-line settings that point a server command (<c>verify</c>, <c>import</c>) at this fixture's database,
    /// with its signing key active.
    /// </summary>
    public string[] CommandArguments()
    {
        var options = Factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuditKit.Server.Storage.AuditStorageOptions>>().Value;
        string[] keys =
        [
            "--AuditKit:Integrity:SigningKeys:0:KeyId=" + SigningKeyId,
            "--AuditKit:Integrity:SigningKeys:0:PrivateKeyPem=" + SigningKeyPem,
            "--AuditKit:Integrity:SigningKeys:0:Active=true",
        ];
        return options.Provider == AuditKit.Server.Storage.AuditStorageProvider.Postgres
            ? ["--ConnectionStrings:AuditKit=" + options.PostgresConnectionString, .. keys]
            : ["--AuditKit:Storage:SqlitePath=" + Path.GetFullPath(options.SqlitePath), .. keys];
    }

    /// <summary>The configuration that points the server at this fixture's database.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string?>> CreateStorageSettingsAsync();

    protected abstract Task DeleteStorageAsync();

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJsonOptions.Apply(options);
        return options;
    }
}

/// <summary>A tenant made for one test, with a key of each role.</summary>
public sealed record TestTenant(string Id, string IngestKey, string ReadKey, string AdminKey);
