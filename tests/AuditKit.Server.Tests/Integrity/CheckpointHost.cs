using System.Runtime.CompilerServices;

namespace AuditKit.Server.Tests.Integrity;

/// <summary>
/// A server on a test database whose chain heads are the ones a test sets in <see cref="CheckpointTestHeads"/> (the
/// only stand-in: storage, keys, signing and HTTP are the real ones). The clock is fake: 2025-03-01 09:00 UTC.
/// </summary>
public sealed class CheckpointHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    public CheckpointHost(
        IReadOnlyDictionary<string, string?> storage,
        CheckpointTestHeads? heads,
        string environment = "Testing",
        FakeTimeProvider? time = null,
        params (string Key, string? Value)[] settings)
    {
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        _factory = TestServerHost.Create(
            [.. storage, .. settings.Select(static s => KeyValuePair.Create(s.Key, s.Value))],
            Time,
            environment,
            fakeLogging: true,
            services: services =>
            {
                if (heads is not null)
                {
                    services.AddSingleton<IChainHeadReader>(heads);
                }
            });
    }

    public FakeTimeProvider Time { get; }

    public IServiceProvider Services => _factory.Services;

    internal CheckpointService Checkpoints => Services.GetRequiredService<CheckpointService>();

    internal SigningKeyRing Keys => Services.GetRequiredService<SigningKeyRing>();

    public HttpClient CreateClient(string? apiKey = null) => _factory.CreateBearerClient(apiKey);

    /// <summary>Creates a tenant with its ingest, read and admin keys.</summary>
    internal async Task<TestTenant> CreateTenantAsync(string prefix)
    {
        using var admin = CreateClient(AuditKitServerFixture.BootstrapKey);
        return await AuditKitServerFixture.CreateTenantWithKeysAsync(admin, $"{prefix}-{Guid.NewGuid():N}"[..20]);
    }

    /// <summary>Every checkpoint of <paramref name="tenantId"/> as stored, by seq.</summary>
    internal async Task<IReadOnlyList<CheckpointRow>> StoredAsync(string tenantId) =>
        await Services.GetRequiredService<ICheckpointStore>().ListAsync(tenantId, new CheckpointQuery(null, null, 1000), CancellationToken.None);

    /// <summary>Runs <paramref name="sql"/> against the server's database with <c>@t</c> and the extra parameters.</summary>
    internal async Task<int> ExecuteAsync(string sql, string tenantId, params (string Name, object Value)[] parameters)
    {
        await using var connection = await Services.GetRequiredService<StorageConnections>().OpenAsync(StorageScope.Tenant(tenantId), CancellationToken.None);
        await using var command = connection.CreateCommand();
        DbParameters.Add(command, "@t", tenantId);
        foreach (var (name, value) in parameters)
        {
            DbParameters.Add(command, name, value);
        }

        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();
}

/// <summary>The chain heads a test chooses, per tenant.</summary>
public sealed class CheckpointTestHeads : IChainHeadReader
{
    private readonly ConcurrentDictionary<string, ChainHead> _heads = new(StringComparer.Ordinal);

    /// <summary>Moves <paramref name="tenantId"/>'s head to <paramref name="seq"/> with a random hash; returns the hash.</summary>
    public byte[] Move(string tenantId, long seq)
    {
        var hash = RandomNumberGenerator.GetBytes(32);
        _heads[tenantId] = new ChainHead(tenantId, seq, hash);
        return hash;
    }

    async IAsyncEnumerable<ChainHead> IChainHeadReader.ReadHeadsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var head in _heads.Values.OrderBy(static h => h.TenantId, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return head;
        }
    }
}

/// <summary>Fresh P-256 keys as configuration gives them.</summary>
internal static class CheckpointTestKeys
{
    public static string NewPrivatePem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    public static string PublicPemOf(string privatePem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(privatePem);
        return key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>Settings listing one active key <paramref name="keyId"/>.</summary>
    public static (string, string?)[] Active(string keyId, string privatePem) =>
    [
        ("AuditKit:Integrity:SigningKeys:0:KeyId", keyId),
        ("AuditKit:Integrity:SigningKeys:0:PrivateKeyPem", privatePem),
        ("AuditKit:Integrity:SigningKeys:0:Active", "true"),
    ];
}
