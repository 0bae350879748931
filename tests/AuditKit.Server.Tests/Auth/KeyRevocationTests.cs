using Microsoft.AspNetCore.TestHost;

namespace AuditKit.Server.Tests.Auth;

/// <summary>
/// Key lookups are cached per process; a revocation made on one process is refused by another within
/// <c>AuditKit:Keys:RevocationCheckInterval</c> (two hosts on one database, each on its own fake clock). And a key that
/// fails is never logged, not even in part. On SQLite and PostgreSQL.
/// </summary>
public abstract class KeyRevocationTests(AuditKitServerFixture server)
{
    private const string Logs = "/api/v1/audit-logs";
    private const string Tenants = "/api/v1/admin/tenants";
    private static readonly DateTimeOffset s_start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_key_revoked_on_one_instance_is_refused_by_another_within_the_check_interval()
    {
        var clockA = new FakeTimeProvider(s_start);
        var clockB = new FakeTimeProvider(s_start);
        await using var hostA = Host(clockA);
        await using var hostB = Host(clockB);
        var tenant = await server.CreateTenantAsync();
        using var readOnA = hostA.CreateBearerClient(tenant.ReadKey);
        using var readOnB = hostB.CreateBearerClient(tenant.ReadKey);
        using var adminOnA = hostA.CreateBearerClient(tenant.AdminKey);
        (await readOnA.GetAsync(Logs)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await readOnB.GetAsync(Logs)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var readKeyId = await KeyIdAsync(adminOnA, tenant, tenant.ReadKey);

        (await adminOnA.DeleteAsync($"{Tenants}/{tenant.Id}/keys/{readKeyId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        // The instance that revoked refuses at once; the other trusts its cache until its next check.
        await (await readOnA.GetAsync(Logs)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        (await readOnB.GetAsync(Logs)).StatusCode.ShouldBe(HttpStatusCode.OK);
        clockB.Advance(TimeSpan.FromMilliseconds(999));
        (await readOnB.GetAsync(Logs)).StatusCode.ShouldBe(HttpStatusCode.OK);

        clockB.Advance(TimeSpan.FromMilliseconds(1));
        await (await readOnB.GetAsync(Logs)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        clockB.Advance(TimeSpan.FromSeconds(5));
        await (await readOnB.GetAsync(Logs)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_tenants_access_revoked_on_one_instance_is_refused_by_another_within_the_check_interval()
    {
        var clockB = new FakeTimeProvider(s_start);
        await using var hostB = Host(clockB);
        var home = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        using var bootstrap = server.CreateClient(AuditKitServerFixture.BootstrapKey);
        var key = await AuditKitServerFixture.CreateKeyAsync(bootstrap, home.Id, "ingest", new { role = "ingest", allowed_tenants = new[] { other.Id } });
        using var ingestOnB = hostB.CreateBearerClient(key);
        (await PostIntoAsync(ingestOnB, other.Id)).ShouldBe("accepted");

        using var otherAdmin = server.CreateClient(other.AdminKey);
        var keyId = await KeyIdAsync(otherAdmin, other, key);
        (await otherAdmin.DeleteAsync($"{Tenants}/{other.Id}/keys/{keyId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await PostIntoAsync(ingestOnB, other.Id)).ShouldBe("accepted");
        clockB.Advance(TimeSpan.FromSeconds(1));
        (await PostIntoAsync(ingestOnB, other.Id)).ShouldBe("rejected");
    }

    [Fact]
    public async Task A_key_that_fails_is_never_logged_not_even_in_part()
    {
        var logs = new ListLoggerProvider();
        await using var host = server.Factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l
            .AddProvider(logs)
            .AddFilter<ListLoggerProvider>(null, LogLevel.Trace)));
        var tenant = await server.CreateTenantAsync();
        using var warm = host.CreateBearerClient(tenant.ReadKey);
        (await warm.GetAsync(Logs)).StatusCode.ShouldBe(HttpStatusCode.OK);
        logs.Clear();

        string[] bad =
        [
            ApiKeyCredentials.Generate(),
            tenant.ReadKey + "x",
            tenant.ReadKey[..^1],
            "ak_" + new string('q', 600),
            "not-even-a-key-but-secret-text",
        ];
        foreach (var key in bad)
        {
            using var client = host.CreateBearerClient(key);
            await (await client.GetAsync(Logs)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
            using var header = host.CreateClient();
            header.DefaultRequestHeaders.Add("X-Api-Key", key);
            await (await header.GetAsync(Logs)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        }

        var written = logs.Entries.Select(static e => e.Text).ToList();
        written.ShouldContain(static m => m.Contains("Rejected an unknown or revoked API key", StringComparison.Ordinal), "the rejections were not logged at all");
        foreach (var key in bad)
        {
            // Any 6 characters in a row of the key past the common "ak_" would be a fragment of it.
            var secret = key.StartsWith("ak_", StringComparison.Ordinal) ? key[3..] : key;
            for (var i = 0; i + 6 <= secret.Length; i++)
            {
                var fragment = secret.Substring(i, 6);
                written.FirstOrDefault(m => m.Contains(fragment, StringComparison.Ordinal)).ShouldBeNull($"a fragment of a failed key ({fragment}) was logged");
            }
        }
    }

    private WebApplicationFactory<Program> Host(FakeTimeProvider clock) =>
        server.Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));

    private static async Task<string> KeyIdAsync(HttpClient admin, TestTenant tenant, string key)
    {
        using var document = JsonDocument.Parse(await admin.GetStringAsync($"{Tenants}/{tenant.Id}/keys"));
        return document.RootElement.GetProperty("items").EnumerateArray()
            .Single(k => k.GetProperty("prefix").GetString() == key[..11]).GetProperty("id").GetString()!;
    }

    private static async Task<string> PostIntoAsync(HttpClient ingest, string tenantId)
    {
        var result = await (await ingest.PostAsJsonAsync($"{Logs}/batch", new[] { new { action = "IMPORT", tenant_id = tenantId } })).ReadBatchResultAsync();
        return result.Items.ShouldHaveSingleItem().Status;
    }
}

public sealed class SqliteKeyRevocationTests(SqliteServerFixture server) : KeyRevocationTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresKeyRevocationTests(PostgresServerFixture server) : KeyRevocationTests(server), IClassFixture<PostgresServerFixture>;
