namespace AuditKit.Server.Tests.Integrity;

/// <summary>
/// Signing keys come from <c>AuditKit:Integrity:SigningKeys</c>, checked at start-up key by key; with none, the
/// embedded default generates one beside its database file, and PostgreSQL signs nothing (and refuses Production).
/// </summary>
public sealed class CheckpointSigningKeyTests
{
    private const string ProductionBootstrapKey = "a-production-bootstrap-key-of-forty-chars";

    [Fact]
    public async Task Bad_keys_stop_the_server_naming_each_key()
    {
        using var rsa = RSA.Create(2048);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var good = CheckpointTestKeys.NewPrivatePem();
        var failure = await StartupFailureAsync(
            [
                ("AuditKit:Integrity:SigningKeys:0:KeyId", "garbled"),
                ("AuditKit:Integrity:SigningKeys:0:PrivateKeyPem", "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----"),
                ("AuditKit:Integrity:SigningKeys:1:KeyId", "rsa"),
                ("AuditKit:Integrity:SigningKeys:1:PrivateKeyPem", rsa.ExportPkcs8PrivateKeyPem()),
                ("AuditKit:Integrity:SigningKeys:2:KeyId", "p384"),
                ("AuditKit:Integrity:SigningKeys:2:PrivateKeyPem", p384.ExportPkcs8PrivateKeyPem()),
                ("AuditKit:Integrity:SigningKeys:3:KeyId", "twice"),
                ("AuditKit:Integrity:SigningKeys:3:PrivateKeyPem", good),
                ("AuditKit:Integrity:SigningKeys:3:Active", "true"),
                ("AuditKit:Integrity:SigningKeys:4:KeyId", "twice"),
                ("AuditKit:Integrity:SigningKeys:4:PublicKeyPem", CheckpointTestKeys.PublicPemOf(good)),
                ("AuditKit:Integrity:SigningKeys:4:Active", "true"),
                ("AuditKit:Integrity:SigningKeys:5:KeyId", "rsa-public"),
                ("AuditKit:Integrity:SigningKeys:5:PublicKeyPem", rsa.ExportSubjectPublicKeyInfoPem()),
                ("AuditKit:Integrity:SigningKeys:6:KeyId", "missing-file"),
                ("AuditKit:Integrity:SigningKeys:6:PrivateKeyPath", "/nonexistent/auditkit-signing.pem"),
            ]);

        failure.Message.ShouldContain("AuditKit:Integrity:SigningKeys:0 ('garbled'): PrivateKeyPem is not a valid ECDSA key");
        failure.Message.ShouldContain("AuditKit:Integrity:SigningKeys:1 ('rsa'): PrivateKeyPem is an RSA key; only ECDSA P-256 keys are supported.");
        failure.Message.ShouldContain("AuditKit:Integrity:SigningKeys:2 ('p384'): PrivateKeyPem is an ECDSA key on curve");
        failure.Message.ShouldContain("AuditKit:Integrity:SigningKeys:4 ('twice'): KeyId 'twice' is listed twice");
        failure.Message.ShouldContain("AuditKit:Integrity:SigningKeys:4 ('twice'): the active key signs, so it needs its private key");
        failure.Message.ShouldContain("AuditKit:Integrity:SigningKeys:5 ('rsa-public'): PublicKeyPem is an RSA key");
        failure.Message.ShouldContain("AuditKit:Integrity:SigningKeys:6 ('missing-file'): PrivateKeyPath '/nonexistent/auditkit-signing.pem' cannot be read");
        failure.Message.ShouldContain("AuditKit:Integrity:SigningKeys: 2 keys are Active ('twice', 'twice')");
        failure.Message.ShouldNotContain("SigningKeys:3 ");
    }

    [Fact]
    public async Task A_checkpoint_interval_out_of_range_stops_the_server()
    {
        var failure = await StartupFailureAsync([("AuditKit:Integrity:CheckpointInterval", "00:00:01")]);

        failure.Message.ShouldContain("AuditKit:Integrity:CheckpointInterval must be between 00:00:10 and 1.00:00:00 (was 00:00:01).");
    }

    [Fact]
    public async Task Keys_need_exactly_one_active_key_with_an_id_and_one_source()
    {
        var pem = CheckpointTestKeys.NewPrivatePem();
        var failure = await StartupFailureAsync(
            [
                ("AuditKit:Integrity:SigningKeys:0:PrivateKeyPem", pem),
                ("AuditKit:Integrity:SigningKeys:1:KeyId", "both"),
                ("AuditKit:Integrity:SigningKeys:1:PrivateKeyPem", pem),
                ("AuditKit:Integrity:SigningKeys:1:PublicKeyPem", CheckpointTestKeys.PublicPemOf(pem)),
                ("AuditKit:Integrity:SigningKeys:2:KeyId", "private-as-public"),
                ("AuditKit:Integrity:SigningKeys:2:PublicKeyPem", pem),
                ("AuditKit:Integrity:SigningKeys:3:KeyId", "bad id!"),
                ("AuditKit:Integrity:SigningKeys:3:PrivateKeyPem", pem),
            ]);

        failure.Message.ShouldContain("AuditKit:Integrity:SigningKeys:0:KeyId is required.");
        failure.Message.ShouldContain("AuditKit:Integrity:SigningKeys:1 ('both'): gives 2 of PrivateKeyPem, PrivateKeyPath and PublicKeyPem");
        failure.Message.ShouldContain("AuditKit:Integrity:SigningKeys:2 ('private-as-public'): PublicKeyPem holds a 'PRIVATE KEY' block");
        failure.Message.ShouldContain("AuditKit:Integrity:SigningKeys:3 ('bad id!'): KeyId must be");
        failure.Message.ShouldContain("AuditKit:Integrity:SigningKeys: no key is Active");
    }

    [Fact]
    public async Task A_key_is_read_from_a_file()
    {
        await using var storage = await OutboxStorage.CreateAsync("SQLite");
        using var directory = new TempDirectory("auditkit-key-file");
        var pem = CheckpointTestKeys.NewPrivatePem();
        await File.WriteAllTextAsync(directory.File("signing.pem"), pem);
        await using var host = new CheckpointHost(
            storage.Settings,
            heads: null,
            settings:
            [
                ("AuditKit:Integrity:SigningKeys:0:KeyId", "from-file"),
                ("AuditKit:Integrity:SigningKeys:0:PrivateKeyPath", directory.File("signing.pem")),
                ("AuditKit:Integrity:SigningKeys:0:Active", "true"),
            ]);

        var active = host.Keys.Active.ShouldNotBeNull();
        active.KeyId.ShouldBe("from-file");
        active.PublicKeyPem.ShouldBe(CheckpointTestKeys.PublicPemOf(pem));
    }

    [Fact]
    public async Task Without_a_key_the_embedded_default_generates_one_beside_its_database_and_keeps_it()
    {
        await using var storage = await OutboxStorage.CreateAsync("SQLite");
        var database = storage.Settings["AuditKit:Storage:SqlitePath"]!;
        var file = Path.Combine(Path.GetDirectoryName(database)!, SigningKeyRing.GeneratedKeyFile);
        string keyId;
        await using (var host = new CheckpointHost(storage.Settings, heads: null))
        {
            using var client = host.CreateClient(AuditKitServerFixture.BootstrapKey);
            var key = (await client.GetFromJsonAsync<JsonElement>("/api/v1/integrity/public-keys")).GetProperty("keys").EnumerateArray().ShouldHaveSingleItem();
            keyId = key.GetProperty("key_id").GetString()!;
            keyId.ShouldStartWith("local-");
            key.GetProperty("active").GetBoolean().ShouldBeTrue();
            File.Exists(file).ShouldBeTrue();
            key.GetProperty("public_key_pem").GetString().ShouldBe(CheckpointTestKeys.PublicPemOf(await File.ReadAllTextAsync(file)));
            if (!OperatingSystem.IsWindows())
            {
                File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            host.Services.GetFakeLogCollector().GetSnapshot()
                .ShouldContain(r => r.Level == LogLevel.Warning && r.Message.Contains(file, StringComparison.Ordinal) && r.Message.Contains("Configure a key", StringComparison.Ordinal));
        }

        await using (var again = new CheckpointHost(storage.Settings, heads: null))
        {
            again.Keys.Active.ShouldNotBeNull().KeyId.ShouldBe(keyId);
        }

        Directory.GetFiles(Path.GetDirectoryName(database)!, "*.tmp").ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_a_key_PostgreSQL_signs_nothing_and_refuses_to_start_in_Production()
    {
        await using var storage = await OutboxStorage.CreateAsync("PostgreSQL");
        var heads = new CheckpointTestHeads();
        await using (var host = new CheckpointHost(storage.Settings, heads))
        {
            var tenant = await host.CreateTenantAsync("nokey");
            heads.Move(tenant.Id, 4);
            (await host.Checkpoints.SignHeadsAsync(CheckpointKinds.Periodic, CancellationToken.None)).ShouldBe(0);
            using var read = host.CreateClient(tenant.ReadKey);
            (await read.GetFromJsonAsync<JsonElement>("/api/v1/integrity/public-keys")).GetProperty("keys").GetArrayLength().ShouldBe(0);
            host.Services.GetFakeLogCollector().GetSnapshot()
                .ShouldContain(r => r.Level == LogLevel.Warning && r.Message.Contains("no checkpoint is signed", StringComparison.Ordinal));
        }

        await using var production = new CheckpointHost(
            storage.Settings, heads, environment: "Production", settings: [("AuditKit:BootstrapAdminKey", ProductionBootstrapKey)]);
        var failure = Should.Throw<OptionsValidationException>(() => production.CreateClient());
        failure.Message.ShouldContain("AuditKit:Integrity:SigningKeys is empty: on PostgreSQL the server needs a configured signing key");

        await using var configured = new CheckpointHost(
            storage.Settings,
            heads,
            environment: "Production",
            settings: [("AuditKit:BootstrapAdminKey", ProductionBootstrapKey), .. CheckpointTestKeys.Active("prod", CheckpointTestKeys.NewPrivatePem())]);
        (await configured.Checkpoints.SignHeadsAsync(CheckpointKinds.Periodic, CancellationToken.None)).ShouldBe(1);
    }

    /// <summary>Why a server on a new embedded database with <paramref name="settings"/> does not start.</summary>
    private static async Task<OptionsValidationException> StartupFailureAsync((string Key, string? Value)[] settings)
    {
        await using var storage = await OutboxStorage.CreateAsync("SQLite");
        await using var host = new CheckpointHost(storage.Settings, heads: null, settings: settings);
        return Should.Throw<OptionsValidationException>(() => host.CreateClient());
    }
}
