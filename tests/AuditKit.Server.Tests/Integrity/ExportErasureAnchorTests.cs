namespace AuditKit.Server.Tests.Integrity;

/// <summary>
/// <c>verify --file</c> on an NDJSON export taken after an erasure, on SQLite and PostgreSQL: the export ends with the
/// signed erasure anchors of its events, and verify accepts a rewritten event only with an anchor whose signature
/// checks against the keys given with <c>--public-keys</c> (saved from the server's public-keys endpoint).
/// </summary>
public abstract class ExportErasureAnchorTests(AuditKitServerFixture server)
{
    private const string Logs = "/api/v1/audit-logs";

    [Fact]
    public async Task An_export_after_an_erasure_verifies_offline_with_the_trusted_keys_and_a_forged_anchor_is_refused()
    {
        var (tenant, export) = await ExportAfterErasureAsync();
        using var directory = new TempDirectory("auditkit-export-anchors");
        var file = directory.File("export.ndjson");
        var keysFile = directory.File("keys.json");
        await File.WriteAllTextAsync(file, export);
        await File.WriteAllTextAsync(keysFile, await server.CreateClient(tenant.ReadKey).GetStringAsync("/api/v1/integrity/public-keys"));
        var keys = await TrustedPublicKeys.LoadAsync(keysFile, default);

        // The anchors come last, one line each, marked as records; the events before them are untouched.
        var lines = export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static l => JsonNode.Parse(l)!.AsObject()).ToList();
        var anchors = lines.Where(static l => l.ContainsKey("record")).ToList();
        anchors.Count.ShouldBe(2);
        anchors.ShouldAllBe(static a => a["record"]!.GetValue<string>() == "erasure_anchor" && a["key_id"]!.GetValue<string>() != null);
        lines.Skip(lines.Count - anchors.Count).ShouldBe(anchors);
        var anchorSeqs = anchors.Select(static a => a["seq"]!.GetValue<long>()).ToHashSet();

        // With the keys the operator trusts: the chain holds.
        Single(await AuditExportChainFile.VerifyAsync(file, tenant.Id, null, null, keys, default)).Ok.ShouldBeTrue();
        (await AuditVerifyCommand.RunAsync(["--file", file, "--public-keys", keysFile])).ShouldBe(0);

        // Without them the anchors are not used: the first rewritten event is a mismatch.
        var withoutKeys = (await AuditExportChainFile.VerifyAsync(file, tenant.Id, null, null, default)).Single();
        withoutKeys.UncheckedAnchors.ShouldBe(2);
        withoutKeys.Result.ShouldSatisfyAllConditions(
            r => r.Ok.ShouldBeFalse(), r => r.FirstBrokenSeq.ShouldBe(anchorSeqs.Min()), r => r.Reason.ShouldBe(ChainBreakReasons.HashMismatch));
        (await AuditVerifyCommand.RunAsync(["--file", file])).ShouldBe(1);

        var victim = anchors.MinBy(static a => a["seq"]!.GetValue<long>())!;
        var victimSeq = victim["seq"]!.GetValue<long>();

        // A forged anchor: its rewritten hash changed, its signature changed, or signed by a key the operator does not
        // trust under the trusted key's id (an export names a key id, never supplies the key).
        foreach (var forge in new Action<JsonObject>[]
        {
            static a => a["rewritten_hash"] = new string('0', 64),
            static a => a["signature"] = Base64Url(new byte[64]),
            a => ResignWithAnotherKey(a, tenant.Id),
        })
        {
            var forged = victim.DeepClone().AsObject();
            forge(forged);
            await WriteAsync(file, lines.Select(l => ReferenceEquals(l, victim) ? forged : l));
            var result = Single(await AuditExportChainFile.VerifyAsync(file, tenant.Id, null, null, keys, default));
            result.ShouldSatisfyAllConditions(
                r => r.Ok.ShouldBeFalse(), r => r.FirstBrokenSeq.ShouldBe(victimSeq), r => r.Reason.ShouldBe(ChainBreakReasons.CheckpointSignature));
            (await AuditVerifyCommand.RunAsync(["--file", file, "--public-keys", keysFile])).ShouldBe(1);
        }

        // A rewritten event whose anchor line was removed, and an event changed in the file that has no anchor: mismatches.
        await WriteAsync(file, lines.Where(l => !ReferenceEquals(l, victim)));
        Single(await AuditExportChainFile.VerifyAsync(file, tenant.Id, null, null, keys, default))
            .ShouldSatisfyAllConditions(r => r.FirstBrokenSeq.ShouldBe(victimSeq), r => r.Reason.ShouldBe(ChainBreakReasons.HashMismatch));
        var plain = lines.Where(l => !l.ContainsKey("record") && !anchorSeqs.Contains(l["seq"]!.GetValue<long>())).MaxBy(static l => l["seq"]!.GetValue<long>())!;
        var edited = plain.DeepClone().AsObject();
        edited["description"] = "edited in the file";
        await WriteAsync(file, lines.Select(l => ReferenceEquals(l, plain) ? edited : l));
        Single(await AuditExportChainFile.VerifyAsync(file, tenant.Id, null, null, keys, default)).ShouldSatisfyAllConditions(
            r => r.FirstBrokenSeq.ShouldBe(plain["seq"]!.GetValue<long>()), r => r.Reason.ShouldBe(ChainBreakReasons.HashMismatch));

        // A rewritten event changed again in the file: its anchor is for other bytes.
        var rewritten = lines.Single(l => !l.ContainsKey("record") && l["seq"]!.GetValue<long>() == victimSeq);
        var again = rewritten.DeepClone().AsObject();
        again["metadata"]!["count"] = 4;
        await WriteAsync(file, lines.Select(l => ReferenceEquals(l, rewritten) ? again : l));
        Single(await AuditExportChainFile.VerifyAsync(file, tenant.Id, null, null, keys, default))
            .ShouldSatisfyAllConditions(r => r.FirstBrokenSeq.ShouldBe(victimSeq), r => r.Reason.ShouldBe(ChainBreakReasons.HashMismatch));
    }

    [Fact]
    public async Task An_export_without_erasures_has_no_anchor_lines_and_json_and_csv_carry_none()
    {
        var tenant = await server.CreateTenantAsync();
        var alice = "alice-" + Guid.NewGuid().ToString("N")[..12];
        await (await server.CreateClient(tenant.IngestKey).PostAsJsonAsync($"{Logs}/batch", Events(alice))).ShouldHaveStatusAsync(HttpStatusCode.OK);
        var read = server.CreateClient(tenant.ReadKey);
        var ndjson = await read.GetStringAsync($"{Logs}/export?format=ndjson");
        ndjson.ShouldNotContain("\"record\"");
        foreach (var line in ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            AuditExportChainFile.ParseRow(System.Text.Encoding.UTF8.GetBytes(line)).TenantId.ShouldBe(tenant.Id);
        }

        // After an erasure the JSON array and the CSV stay events only.
        await EraseAsync(tenant, alice);
        var json = JsonNode.Parse(await read.GetStringAsync($"{Logs}/export"))!.AsArray();
        json.ShouldAllBe(static e => e!["record"] == null && e["action"] != null);
        (await read.GetStringAsync($"{Logs}/export?format=csv")).ShouldNotContain("erasure_anchor");
    }

    [Fact]
    public async Task Public_keys_go_with_file_and_must_be_the_listed_es256_keys()
    {
        using var directory = new TempDirectory("auditkit-export-keys");
        var keysFile = directory.File("keys.json");
        (await AuditVerifyCommand.RunAsync(["--tenant", "acme", "--public-keys", keysFile])).ShouldBe(2);

        await File.WriteAllTextAsync(keysFile, "{\"keys\":[]}");
        await Should.ThrowAsync<ArgumentException>(() => TrustedPublicKeys.LoadAsync(keysFile, default));
        await File.WriteAllTextAsync(keysFile, "not json");
        await Should.ThrowAsync<ArgumentException>(() => TrustedPublicKeys.LoadAsync(keysFile, default));
        var listed = JsonNode.Parse(await server.CreateClient((await server.CreateTenantAsync()).ReadKey).GetStringAsync("/api/v1/integrity/public-keys"))!;
        listed["keys"]![0]!["algorithm"] = "RS256";
        await File.WriteAllTextAsync(keysFile, listed.ToJsonString());
        (await Should.ThrowAsync<ArgumentException>(() => TrustedPublicKeys.LoadAsync(keysFile, default))).Message.ShouldContain("ES256");
        var file = directory.File("export.ndjson");
        await File.WriteAllTextAsync(file, string.Empty);
        (await AuditVerifyCommand.RunAsync(["--file", file, "--public-keys", keysFile])).ShouldBe(2);
    }

    private async Task<(TestTenant Tenant, string Export)> ExportAfterErasureAsync()
    {
        var tenant = await server.CreateTenantAsync();
        var alice = "alice-" + Guid.NewGuid().ToString("N")[..12];
        await (await server.CreateClient(tenant.IngestKey).PostAsJsonAsync($"{Logs}/batch", Events(alice))).ShouldHaveStatusAsync(HttpStatusCode.OK);
        (await EraseAsync(tenant, alice))["events_rewritten"]!.GetValue<long>().ShouldBe(2);
        var export = await server.CreateClient(tenant.ReadKey).GetStringAsync($"{Logs}/export?format=ndjson");
        export.ShouldNotContain(alice);
        return (tenant, export);
    }

    private async Task<JsonNode> EraseAsync(TestTenant tenant, string userId)
    {
        var response = await server.CreateClient(tenant.AdminKey).PostAsJsonAsync($"/api/v1/admin/tenants/{tenant.Id}/erasures", new { user_id = userId });
        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>Two events whose metadata names the user (rewritten by the erasure) around three that do not.</summary>
    private static object[] Events(string userId) =>
    [
        new { action = "UPDATE", description = "before", user_id = "bob", metadata = new { count = 1 } },
        new { action = "UPDATE", description = "profile saved", user_id = userId, metadata = new { contact = userId, count = 3 } },
        new { action = "UPDATE", description = "between", user_id = "bob", metadata = new { count = 2 } },
        new { action = "UPDATE", description = "user changed", user_id = "carol", metadata = new { target = userId, count = 3 } },
        new { action = "UPDATE", description = "after", user_id = "bob", metadata = new { count = 5 } },
    ];

    /// <summary>The anchor's line re-signed, rewritten hash and all, with a key of its own under the same key id.</summary>
    private static void ResignWithAnotherKey(JsonObject line, string tenantId)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var key = new SigningKey(line["key_id"]!.GetValue<string>(), ECDsa.Create(ecdsa.ExportParameters(true)), hasPrivateKey: true, active: true);
        using var document = System.Text.Json.JsonDocument.Parse(line.ToJsonString());
        var anchor = AuditExportChainFile.ParseErasureAnchor(document.RootElement);
        anchor.TenantId.ShouldBe(tenantId);
        CheckpointSignature.SignErasure(anchor, key, DateTimeOffset.UtcNow);
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            AuditExportJson.WriteErasureAnchor(writer, anchor);
        }

        foreach (var (name, value) in JsonNode.Parse(buffer.ToArray())!.AsObject())
        {
            line[name] = value?.DeepClone();
        }
    }

    private static string Base64Url(byte[] value) => System.Buffers.Text.Base64Url.EncodeToString(value);

    private static ChainVerification Single(IReadOnlyList<(string TenantId, ChainVerification Result, int UncheckedAnchors)> results) =>
        results.ShouldHaveSingleItem().Result;

    private static Task WriteAsync(string file, IEnumerable<JsonObject> lines) => File.WriteAllLinesAsync(file, lines.Select(static l => l.ToJsonString()));
}

public sealed class SqliteExportErasureAnchorTests(SqliteServerFixture server) : ExportErasureAnchorTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresExportErasureAnchorTests(PostgresServerFixture server) : ExportErasureAnchorTests(server), IClassFixture<PostgresServerFixture>;
