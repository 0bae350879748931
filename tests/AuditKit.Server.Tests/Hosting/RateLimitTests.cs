namespace AuditKit.Server.Tests.Hosting;

/// <summary>
/// The request limits on a real server (Kestrel on 127.0.0.1): one tenant flooding exports with slow readers does
/// not take the server from another tenant, limits answer 429 with Retry-After and a problem body, per-tenant
/// overrides apply, and failed authentications are limited per client address.
/// </summary>
public abstract class RateLimitTests : IAsyncLifetime
{
    // Small enough that exports holding a connection each would exhaust it (PostgreSQL).
    private const int PoolSize = 4;

    private readonly string _limitedTenant = $"limited-{Guid.NewGuid():N}";
    private WebApplicationFactory<Program>? _factory;
    private Uri? _address;

    private protected abstract Task<IReadOnlyDictionary<string, string?>> StorageSettingsAsync();

    private protected abstract Task DeleteStorageAsync();

    public async Task InitializeAsync()
    {
        var settings = await StorageSettingsAsync();
        _factory = TestServerHost.Create(
            [
                KeyValuePair.Create("AuditKit:Detection:Enabled", (string?)"false"),
                TestServerHost.UnpacedDetection,
                KeyValuePair.Create("AuditKit:Storage:MaxPoolSize", (string?)PoolSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                KeyValuePair.Create("AuditKit:RateLimits:FailedAuthentication:TokenLimit", (string?)"3"),
                KeyValuePair.Create("AuditKit:RateLimits:FailedAuthentication:TokensPerPeriod", (string?)"3"),
                KeyValuePair.Create("AuditKit:RateLimits:FailedAuthentication:ReplenishmentPeriod", (string?)"01:00:00"),
                KeyValuePair.Create($"AuditKit:RateLimits:Tenants:{_limitedTenant}:Ingest:TokenLimit", (string?)"2"),
                KeyValuePair.Create($"AuditKit:RateLimits:Tenants:{_limitedTenant}:Ingest:TokensPerPeriod", (string?)"1"),
                KeyValuePair.Create($"AuditKit:RateLimits:Tenants:{_limitedTenant}:Ingest:ReplenishmentPeriod", (string?)"01:00:00"),
                .. settings,
            ]);
        _factory.UseKestrel(static options => options.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        _address = new Uri(_factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var client = Client(null);
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

    [Fact]
    public async Task A_tenant_flooding_exports_with_slow_readers_leaves_other_tenants_answering()
    {
        using var admin = Client(AuditKitServerFixture.BootstrapKey);
        var flooder = await CreateTenantAsync(admin, "flood");
        var other = await CreateTenantAsync(admin, "other");
        string[] readKeys = [flooder.Read, await AuditKitServerFixture.CreateKeyAsync(admin, flooder.Id, "read"), await AuditKitServerFixture.CreateKeyAsync(admin, flooder.Id, "read")];

        // About 16 MB of export: far more than the socket buffers, so a reader that stops reading stalls the writer.
        using (var ingest = Client(flooder.Ingest))
        {
            var description = new string('x', 3000);
            for (var batch = 0; batch < 5; batch++)
            {
                var events = Enumerable.Range(0, 1000).Select(_ => new { id = Guid.CreateVersion7(), action = "EXPORT", description }).ToArray();
                (await ingest.PostAsJsonAsync("/api/v1/audit-logs/batch", events)).StatusCode.ShouldBe(HttpStatusCode.OK);
            }
        }

        // Four slow readers per key, three keys: 2 per key and 4 per tenant may run, the other 8 are turned away.
        var readers = new List<SlowExportReader>();
        try
        {
            foreach (var key in readKeys)
            {
                for (var i = 0; i < 4; i++)
                {
                    readers.Add(await SlowExportReader.StartAsync(_address!, key));
                }
            }

            var statuses = await Task.WhenAll(readers.Select(static r => r.ReadStatusAsync()));
            statuses.Count(static s => s == 200).ShouldBe(4, string.Join(", ", statuses));
            statuses.Count(static s => s == 429).ShouldBe(8, string.Join(", ", statuses));
            var rejected = readers.First(static r => r.Status == 429);
            var (headers, body) = await rejected.ReadRestAsync();
            headers.ShouldContain("Retry-After: ", Case.Insensitive);
            headers.ShouldContain("application/problem+json", Case.Insensitive);
            body.ShouldContain("\"status\":429");
            body.ShouldContain("LongReadsPerKey");

            // The accepted exports are stalled on their clients now; the rest of the server must not notice.
            await Task.Delay(TimeSpan.FromSeconds(1));
            using var otherRead = Client(other.Read);
            using var otherIngest = Client(other.Ingest);
            using var flooderRead = Client(flooder.Read);
            for (var i = 0; i < 2 * PoolSize; i++)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await (await otherIngest.PostAsJsonAsync("/api/v1/audit-logs", new { id = Guid.CreateVersion7(), action = "LOGIN" }, timeout.Token))
                    .ShouldHaveStatusAsync(HttpStatusCode.Created);
                await (await otherRead.GetAsync("/api/v1/audit-logs?limit=5", timeout.Token)).ShouldHaveStatusAsync(HttpStatusCode.OK);
                await (await otherRead.GetAsync("/api/v1/audit-logs/export?format=csv&action=LOGIN", timeout.Token)).ShouldHaveStatusAsync(HttpStatusCode.OK);
                await (await flooderRead.GetAsync("/api/v1/audit-logs?limit=5", timeout.Token)).ShouldHaveStatusAsync(HttpStatusCode.OK);
            }

            using var anonymous = Client(null);
            (await anonymous.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
            readers.Where(static r => r.Status == 200).ShouldAllBe(static r => !r.Finished);
        }
        finally
        {
            foreach (var reader in readers)
            {
                reader.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_tenant_override_limits_that_tenant_only_and_is_answered_429_with_Retry_After()
    {
        using var admin = Client(AuditKitServerFixture.BootstrapKey);
        var limited = await CreateTenantAsync(admin, id: _limitedTenant);
        var other = await CreateTenantAsync(admin, "other");
        using var limitedIngest = Client(limited.Ingest);
        using var otherIngest = Client(other.Ingest);

        for (var i = 0; i < 2; i++)
        {
            (await limitedIngest.PostAsJsonAsync("/api/v1/audit-logs", new { id = Guid.CreateVersion7(), action = "LOGIN" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        var refused = await limitedIngest.PostAsJsonAsync("/api/v1/audit-logs/batch", new[] { new { id = Guid.CreateVersion7(), action = "LOGIN" } });
        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        problem.GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("AuditKit:RateLimits:Ingest");
        refused.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull().ShouldBeGreaterThan(TimeSpan.FromMinutes(30));

        // Reads of that tenant count against another bucket; other tenants' ingest against their own.
        using var limitedRead = Client(limited.Read);
        (await limitedRead.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(HttpStatusCode.OK);
        for (var i = 0; i < 5; i++)
        {
            (await otherIngest.PostAsJsonAsync("/api/v1/audit-logs", new { id = Guid.CreateVersion7(), action = "LOGIN" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        }
    }

    [Fact]
    public async Task Failed_authentications_are_limited_per_client_address()
    {
        using var admin = Client(AuditKitServerFixture.BootstrapKey);
        var tenant = await CreateTenantAsync(admin, "auth");
        using var guesser = Client("ak_wrong_key_" + Guid.NewGuid().ToString("N"));
        using var rightFromSameAddress = Client(tenant.Read);
        using var rightFromElsewhere = Client(tenant.Read, from: IPAddress.Parse("127.0.0.2"));
        using var wrongFromElsewhere = Client("ak_wrong_key_" + Guid.NewGuid().ToString("N"), from: IPAddress.Parse("127.0.0.2"));

        for (var i = 0; i < 3; i++)
        {
            (await guesser.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        var refused = await guesser.GetAsync("/api/v1/audit-logs");
        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        problem.GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("FailedAuthentication");
        refused.Headers.RetryAfter.ShouldNotBeNull();

        // The address is refused whatever key it sends, so a guess that hits cannot be told from one that misses.
        (await rightFromSameAddress.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

        // Requests without a key are not about guessing keys.
        using var anonymous = Client(null);
        (await anonymous.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Other addresses keep their own count.
        (await rightFromElsewhere.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await wrongFromElsewhere.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private HttpClient Client(string? apiKey, IPAddress? from = null)
    {
        var handler = new SocketsHttpHandler();
        if (from is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        var client = new HttpClient(handler) { BaseAddress = _address, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    private static async Task<(string Id, string Ingest, string Read)> CreateTenantAsync(HttpClient admin, string prefix = "t", string? id = null)
    {
        id ??= $"{prefix}-{Guid.NewGuid():N}";
        var (ingest, read) = await AuditKitServerFixture.CreateTenantWithIngestAndReadKeysAsync(admin, id);
        return (id, ingest, read);
    }

    /// <summary>
    /// An export request on a raw socket with a small receive buffer whose reader stops after the status line, as
    /// a slow or stalled download does.
    /// </summary>
    private sealed class SlowExportReader : IDisposable
    {
        private readonly Socket _socket;
        private readonly byte[] _head = new byte[12];

        private SlowExportReader(Socket socket) => _socket = socket;

        public int Status { get; private set; }

        /// <summary>Whether the server closed or finished the response (a stalled export never does).</summary>
        public bool Finished => _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0;

        public static async Task<SlowExportReader> StartAsync(Uri server, string key)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
            await socket.ConnectAsync(server.Host, server.Port);
            var request = $"GET /api/v1/audit-logs/export?format=ndjson HTTP/1.1\r\nHost: {server.Authority}\r\nAuthorization: Bearer {key}\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request));
            return new SlowExportReader(socket);
        }

        /// <summary>Reads "HTTP/1.1 nnn" and nothing more.</summary>
        public async Task<int> ReadStatusAsync()
        {
            var read = 0;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (read < _head.Length)
            {
                var n = await _socket.ReceiveAsync(_head.AsMemory(read), timeout.Token);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            Status = int.Parse(Encoding.ASCII.GetString(_head, 9, 3), System.Globalization.CultureInfo.InvariantCulture);
            return Status;
        }

        /// <summary>The rest of a short (rejected) response: its headers and body.</summary>
        public async Task<(string Headers, string Body)> ReadRestAsync()
        {
            var buffer = new MemoryStream();
            var chunk = new byte[4096];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (true)
            {
                var text = Encoding.UTF8.GetString(buffer.ToArray());
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0 && text.Contains("}", StringComparison.Ordinal))
                {
                    return (text[..end], text[(end + 4)..]);
                }

                var n = await _socket.ReceiveAsync(chunk, timeout.Token);
                if (n == 0)
                {
                    return (text, string.Empty);
                }

                buffer.Write(chunk, 0, n);
            }
        }

        public void Dispose() => _socket.Dispose();
    }
}

public sealed class SqliteRateLimitTests : RateLimitTests, IDisposable
{
    private readonly TempDirectory _directory = new("auditkit-rate-limits");

    private protected override Task<IReadOnlyDictionary<string, string?>> StorageSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>
        {
            ["ConnectionStrings:AuditKit"] = string.Empty,
            ["AuditKit:Storage:SqlitePath"] = _directory.File("auditkit.db"),
        });

    private protected override Task DeleteStorageAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return Task.CompletedTask;
    }

    public void Dispose() => _directory.Dispose();
}

public sealed class PostgresRateLimitTests : RateLimitTests
{
    private string? _connectionString;

    private protected override async Task<IReadOnlyDictionary<string, string?>> StorageSettingsAsync()
    {
        // A short pool wait, so that an exhausted pool shows as failed requests, not as a hung test.
        _connectionString = new Npgsql.NpgsqlConnectionStringBuilder(await TestPostgres.CreateDatabaseAsync("limits")) { Timeout = 3 }.ConnectionString;
        return new Dictionary<string, string?> { ["ConnectionStrings:AuditKit"] = _connectionString };
    }

    private protected override async Task DeleteStorageAsync()
    {
        if (_connectionString is not null)
        {
            await TestPostgres.DropDatabaseAsync(_connectionString);
        }
    }
}
