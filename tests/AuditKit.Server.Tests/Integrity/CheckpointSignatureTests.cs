using System.Buffers.Binary;
using System.Buffers.Text;

namespace AuditKit.Server.Tests.Integrity;

/// <summary>
/// The signed bytes are the documented encoding (docs/integrity.md, "Signed checkpoints"), a changed checkpoint no
/// longer verifies, and a third party checks a checkpoint from the API with nothing but openssl.
/// </summary>
public sealed class CheckpointSignatureTests
{
    /// <summary>The worked example of docs/integrity.md.</summary>
    private const string DocumentedExample =
        "010000001361756469746b69742d636865636b706f696e740000000461636d65000000000000002a00000020000102030405060708090a0b0c0d0e0f" +
        "101112131415161718191a1b1c1d1e1f00062f4449a38a00000000026b3100000008706572696f646963";

    [Fact]
    public void The_signed_bytes_are_the_documented_encoding()
    {
        var hash = Enumerable.Range(0, 32).Select(static i => (byte)i).ToArray();
        var at = new DateTimeOffset(2025, 3, 1, 9, 10, 0, TimeSpan.Zero);

        var bytes = CheckpointSignature.SignedBytes("acme", 42, hash, at, "k1", CheckpointKinds.Periodic);

        Convert.ToHexStringLower(bytes).ShouldBe(DocumentedExample);
        bytes.ShouldBe(ThirdPartyEncoding("acme", 42, hash, at, "k1", "periodic"));
    }

    [Fact]
    public void A_checkpoint_verifies_until_any_of_its_fields_changes()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var key = new SigningKey("k1", ecdsa, hasPrivateKey: true, active: true);
        var head = new ChainHead("acme", 7, RandomNumberGenerator.GetBytes(32));
        var at = new DateTimeOffset(2025, 3, 1, 9, 10, 0, 123, 456, TimeSpan.Zero).AddTicks(7);

        var checkpoint = CheckpointSignature.Sign(head, key, at, CheckpointKinds.Periodic);

        checkpoint.SignedAt.ShouldBe(at.AddTicks(-7), "signed to the microsecond, as stored");
        CheckpointSignature.Verify(checkpoint, [key]).ShouldBe(CheckpointVerification.Ok);
        CheckpointSignature.Verify(Copy(checkpoint, c => c.TenantId = "acme2"), [key]).ShouldBe(CheckpointVerification.BadSignature);
        CheckpointSignature.Verify(Copy(checkpoint, c => c.Seq = 8), [key]).ShouldBe(CheckpointVerification.BadSignature);
        CheckpointSignature.Verify(Copy(checkpoint, c => c.Hash = RandomNumberGenerator.GetBytes(32)), [key]).ShouldBe(CheckpointVerification.BadSignature);
        CheckpointSignature.Verify(Copy(checkpoint, c => c.SignedAt = c.SignedAt.AddMicroseconds(1)), [key]).ShouldBe(CheckpointVerification.BadSignature);
        CheckpointSignature.Verify(Copy(checkpoint, c => c.Kind = CheckpointKinds.Anchor), [key]).ShouldBe(CheckpointVerification.BadSignature);
        CheckpointSignature.Verify(Copy(checkpoint, c => c.Signature = c.Signature[..63]), [key]).ShouldBe(CheckpointVerification.BadSignature);
        CheckpointSignature.Verify(Copy(checkpoint, c => c.KeyId = "k2"), [key]).ShouldBe(CheckpointVerification.UnknownKey);
        CheckpointSignature.Verify(checkpoint, []).ShouldBe(CheckpointVerification.UnknownKey);
        CheckpointSignature.Name(CheckpointVerification.BadSignature).ShouldBe("bad_signature");
        CheckpointSignature.Name(CheckpointVerification.UnknownKey).ShouldBe("unknown_key");
        CheckpointSignature.Name(CheckpointVerification.Ok).ShouldBe("ok");
    }

    [Theory]
    [InlineData("PostgreSQL")]
    [InlineData("SQLite")]
    public async Task A_signature_altered_in_the_database_fails_verification(string provider)
    {
        await using var storage = await OutboxStorage.CreateAsync(provider);
        var heads = new CheckpointTestHeads();
        await using var host = new CheckpointHost(storage.Settings, heads, settings: CheckpointTestKeys.Active("k1", CheckpointTestKeys.NewPrivatePem()));
        var tenant = await host.CreateTenantAsync("tamper");
        heads.Move(tenant.Id, 3);
        await host.Checkpoints.SignHeadsAsync(CheckpointKinds.Periodic, CancellationToken.None);
        heads.Move(tenant.Id, 4);
        await host.Checkpoints.SignHeadsAsync(CheckpointKinds.Periodic, CancellationToken.None);
        var stored = await host.StoredAsync(tenant.Id);
        stored.Count.ShouldBe(2);
        stored.ShouldAllBe(c => CheckpointSignature.Verify(c, host.Keys.Keys) == CheckpointVerification.Ok);

        var altered = stored[0].Signature.ToArray();
        altered[10] ^= 0x01;
        (await host.ExecuteAsync(
            "UPDATE integrity_checkpoints SET signature = @sig WHERE tenant_id = @t AND seq = 3", tenant.Id, ("@sig", altered))).ShouldBe(1);
        (await host.ExecuteAsync(
            "UPDATE integrity_checkpoints SET kind = 'anchor' WHERE tenant_id = @t AND seq = 4", tenant.Id)).ShouldBe(1);

        var after = await host.StoredAsync(tenant.Id);
        CheckpointSignature.Verify(after[0], host.Keys.Keys).ShouldBe(CheckpointVerification.BadSignature);
        CheckpointSignature.Verify(after[1], host.Keys.Keys).ShouldBe(CheckpointVerification.BadSignature);
    }

    [Fact]
    public async Task Openssl_verifies_a_checkpoint_from_the_api_with_the_listed_public_key()
    {
        if (FindOpenssl() is not { } openssl)
        {
            // The documented third-party check needs the openssl binary; without it there is nothing to run.
            return;
        }

        await using var storage = await OutboxStorage.CreateAsync("SQLite");
        var heads = new CheckpointTestHeads();
        await using var host = new CheckpointHost(storage.Settings, heads);
        var tenant = await host.CreateTenantAsync("openssl");
        heads.Move(tenant.Id, 12);
        await host.Checkpoints.SignHeadsAsync(CheckpointKinds.Periodic, CancellationToken.None);
        using var read = host.CreateClient(tenant.ReadKey);
        var checkpoint = (await read.GetFromJsonAsync<JsonElement>("/api/v1/integrity/checkpoints")).GetProperty("items")[0];
        var key = (await read.GetFromJsonAsync<JsonElement>("/api/v1/integrity/public-keys")).GetProperty("keys")
            .EnumerateArray().Single(k => k.GetProperty("key_id").GetString() == checkpoint.GetProperty("key_id").GetString());

        // What a third party does, as docs/integrity.md tells: rebuild the signed bytes from the JSON, turn the
        // P1363 signature into DER, and let openssl check it.
        using var directory = new TempDirectory("auditkit-openssl");
        var message = ThirdPartyEncoding(
            checkpoint.GetProperty("tenant_id").GetString()!,
            checkpoint.GetProperty("seq").GetInt64(),
            Convert.FromHexString(checkpoint.GetProperty("hash").GetString()!),
            DateTimeOffset.Parse(checkpoint.GetProperty("signed_at").GetString()!, CultureInfo.InvariantCulture),
            checkpoint.GetProperty("key_id").GetString()!,
            checkpoint.GetProperty("kind").GetString()!);
        await File.WriteAllBytesAsync(directory.File("checkpoint.bin"), message);
        await File.WriteAllTextAsync(directory.File("public.pem"), key.GetProperty("public_key_pem").GetString());
        var signature = Base64Url.DecodeFromChars(checkpoint.GetProperty("signature").GetString());
        signature.Length.ShouldBe(64);
        await File.WriteAllTextAsync(
            directory.File("signature.cnf"),
            $"asn1=SEQUENCE:sig\n[sig]\nr=INTEGER:0x{Convert.ToHexString(signature[..32])}\ns=INTEGER:0x{Convert.ToHexString(signature[32..])}\n");
        (await RunAsync(openssl, directory.Path, "asn1parse", "-genconf", "signature.cnf", "-out", "signature.der", "-noout")).ExitCode.ShouldBe(0);

        var verified = await RunAsync(openssl, directory.Path, "dgst", "-sha256", "-verify", "public.pem", "-signature", "signature.der", "checkpoint.bin");
        verified.Output.ShouldContain("Verified OK");
        verified.ExitCode.ShouldBe(0);

        message[^1] ^= 0x01;
        await File.WriteAllBytesAsync(directory.File("checkpoint.bin"), message);
        var refused = await RunAsync(openssl, directory.Path, "dgst", "-sha256", "-verify", "public.pem", "-signature", "signature.der", "checkpoint.bin");
        refused.ExitCode.ShouldNotBe(0);
        refused.Output.ShouldContain("Verification failure");
    }

    /// <summary>The encoding written from the documentation alone, without the server's code.</summary>
    internal static byte[] ThirdPartyEncoding(string tenantId, long seq, byte[] hash, DateTimeOffset signedAt, string keyId, string kind)
    {
        var bytes = new List<byte> { 1 };
        void Field(byte[] value)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)value.Length);
            bytes.AddRange(length);
            bytes.AddRange(value);
        }

        void Number(long value)
        {
            var number = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(number, value);
            bytes.AddRange(number);
        }

        Field(Encoding.UTF8.GetBytes("auditkit-checkpoint"));
        Field(Encoding.UTF8.GetBytes(tenantId));
        Number(seq);
        Field(hash);
        Number((signedAt.UtcDateTime - DateTime.UnixEpoch).Ticks / 10);
        Field(Encoding.UTF8.GetBytes(keyId));
        Field(Encoding.UTF8.GetBytes(kind));
        return [.. bytes];
    }

    private static CheckpointRow Copy(CheckpointRow row, Action<CheckpointRow> change)
    {
        var copy = new CheckpointRow
        {
            TenantId = row.TenantId,
            Seq = row.Seq,
            Hash = [.. row.Hash],
            SignedAt = row.SignedAt,
            KeyId = row.KeyId,
            Signature = [.. row.Signature],
            Kind = row.Kind,
        };
        change(copy);
        return copy;
    }

    private static string? FindOpenssl() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(static d => Path.Combine(d, OperatingSystem.IsWindows() ? "openssl.exe" : "openssl"))
            .FirstOrDefault(File.Exists);

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string directory, params string[] arguments)
    {
        var (exitCode, output, error) = await ChildProcess.RunAsync(file, arguments, TimeSpan.FromSeconds(30), directory);
        return (exitCode, output + error);
    }
}
