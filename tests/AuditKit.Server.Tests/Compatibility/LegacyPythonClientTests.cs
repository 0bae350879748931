namespace AuditKit.Server.Tests.Compatibility;

/// <summary>
/// The Python clients of the audit service AuditKit replaces (its integration guide's httpx and requests clients,
/// in audit_client.py and audit_client_sync.py, unchanged) run against a real AuditKit server on 127.0.0.1, with
/// only an Authorization header added: they post their payload and read it back through the routes they call.
/// </summary>
public sealed class LegacyPythonClientTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("auditkit-python-clients");
    private WebApplicationFactory<Program>? _factory;
    private Uri? _address;

    public async Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("AuditKit:BootstrapAdminKey", AuditKitServerFixture.BootstrapKey);
            builder.UseSetting("ConnectionStrings:AuditKit", string.Empty);
            builder.UseSetting("AuditKit:Storage:SqlitePath", _directory.File("auditkit.db"));
        });
        _factory.UseKestrel(static options => options.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        _address = new Uri(addresses.Addresses.First());
        using var client = new HttpClient { BaseAddress = _address };
        (await client.GetAsync("/health/ready")).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [PythonFact]
    public async Task The_python_clients_post_and_read_back_unchanged()
    {
        var python = Python.WithHttpLibraries;
        python.ShouldNotBeNull(
            "python3 is installed but cannot import httpx and requests, which the clients use: apt-get install python3-httpx python3-requests");
        var (tenant, ingestKey, readKey) = await CreateTenantAsync();

        var (exitCode, output, error) = await RunAsync(python, new Uri(_address!, "/api/v1").ToString(), ingestKey, readKey);

        exitCode.ShouldBe(0, $"the clients failed:\n{error}");
        using var document = JsonDocument.Parse(output);
        var result = document.RootElement;
        var created = result.GetProperty("created").EnumerateArray().ToList();
        created.Count.ShouldBe(5);
        foreach (var c in created)
        {
            c.ValueKind.ShouldBe(JsonValueKind.Object, "create_log returned None: the post failed");
            Guid.TryParse(c.GetProperty("id").GetString(), out var _).ShouldBeTrue();
        }

        created[0].GetProperty("tenant_id").GetString().ShouldBe(tenant);
        created[0].GetProperty("action").GetString().ShouldBe("CREATED");
        created[0].GetProperty("category").GetString().ShouldBe("leave_request");
        created[0].GetProperty("resource_type").GetString().ShouldBe("LeaveRequest");
        created[0].GetProperty("resource_id").GetString().ShouldBe("42");
        created[0].GetProperty("new_values").GetProperty("days").GetInt32().ShouldBe(3);
        created[1].GetProperty("old_values").GetProperty("status").GetString().ShouldBe("pending");
        created[2].GetProperty("status").GetString().ShouldBe("FAILURE");
        created[2].GetProperty("error_message").GetString().ShouldBe("database is down");
        created[4].GetProperty("user_id").GetString().ShouldBe("emp-8");
        created[4].GetProperty("old_values").GetProperty("days").GetInt32().ShouldBe(2);

        var userPage = result.GetProperty("user_page");
        userPage.GetProperty("total").GetInt64().ShouldBe(4);
        userPage.GetProperty("limit").GetInt32().ShouldBe(2);
        userPage.GetProperty("offset").GetInt32().ShouldBe(0);
        Ids(userPage).ShouldBe([Id(created[3]), Id(created[2])], "newest first");
        var leave = result.GetProperty("user_leave");
        leave.GetProperty("total").GetInt64().ShouldBe(3);
        Ids(leave).ShouldBe([Id(created[2]), Id(created[1]), Id(created[0])]);
        var byType = result.GetProperty("by_type");
        byType.GetProperty("total").GetInt64().ShouldBe(4);
        Ids(byType).ShouldBe([Id(created[4]), Id(created[2]), Id(created[1]), Id(created[0])]);
        var naive = result.GetProperty("by_type_naive");
        (naive.GetProperty("total").GetInt64(), naive.GetProperty("limit").GetInt32(), naive.GetProperty("offset").GetInt32()).ShouldBe((4L, 1, 1));
        Ids(naive).ShouldBe([Id(created[2])]);
        result.GetProperty("by_type_future").GetProperty("items").GetArrayLength().ShouldBe(0);
        result.GetProperty("by_id").GetProperty("id").GetString().ShouldBe(Id(created[0]));
        result.GetProperty("by_id").GetProperty("request_id").GetString().ShouldBe("req-1");
    }

    private static string Id(JsonElement e) => e.GetProperty("id").GetString()!;

    private static List<string> Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(Id)];

    private async Task<(string Tenant, string IngestKey, string ReadKey)> CreateTenantAsync()
    {
        using var admin = new HttpClient { BaseAddress = _address };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", AuditKitServerFixture.BootstrapKey);
        var id = $"py-{Guid.NewGuid():N}";
        var (ingest, read) = await AuditKitServerFixture.CreateTenantWithIngestAndReadKeysAsync(admin, id, "Python clients");
        return (id, ingest, read);
    }

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(string python, params string[] args)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Compatibility", "run_legacy_clients.py");
        return ChildProcess.RunAsync(
            python, [script, .. args], TimeSpan.FromSeconds(60), Path.GetDirectoryName(script)!, new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" });
    }
}
