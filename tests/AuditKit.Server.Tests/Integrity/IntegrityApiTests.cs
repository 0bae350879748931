namespace AuditKit.Server.Tests.Integrity;

/// <summary>
/// The chain through the server, on SQLite and PostgreSQL: ingest answers seq and hash, <c>GET
/// /api/v1/integrity/verify</c>, the NDJSON export and the <c>verify</c> command against the database and against an
/// export — with tampering done in the database (SQL) and in the export file.
/// </summary>
public abstract class IntegrityApiTests(AuditKitServerFixture server)
{
    private const string Batch = "/api/v1/audit-logs/batch";
    private const string Single = "/api/v1/audit-logs";
    private const string Verify = "/api/v1/integrity/verify";

    [Fact]
    public async Task Ingest_answers_each_stored_items_seq_and_hash_and_a_duplicate_the_stored_ones()
    {
        var tenant = await server.CreateTenantAsync();
        var ingest = server.CreateClient(tenant.IngestKey);
        var (a, b) = (AuditEventIds.New(server.Time.GetUtcNow()), AuditEventIds.New(server.Time.GetUtcNow()));

        var first = await (await ingest.PostAsJsonAsync(Batch, new object[] { new { id = a, action = "LOGIN" }, new { id = b, action = "LOGOUT" } })).ReadItemsAsync();
        var again = await (await ingest.PostAsJsonAsync(Batch, new object[] { new { id = b, action = "LOGOUT" } })).ReadItemsAsync();

        var (seqA, hashA) = Link(first[0]);
        var (seqB, hashB) = Link(first[1]);
        seqB.ShouldBe(seqA + 1);
        hashA.ShouldMatch("^[0-9a-f]{64}$");
        again[0]!["status"]!.GetValue<string>().ShouldBe("duplicate");
        Link(again[0]).ShouldBe((seqB, hashB));

        var created = await ingest.PostAsJsonAsync(Single, new { action = "READ" });
        await created.ShouldHaveStatusAsync(HttpStatusCode.Created);
        var createdBody = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        createdBody["seq"]!.GetValue<long>().ShouldBe(seqB + 1);
        createdBody["action"]!.GetValue<string>().ShouldBe("READ");
        var duplicate = await ingest.PostAsJsonAsync(Single, new { id = a, action = "LOGIN" });
        await duplicate.ShouldHaveStatusAsync(HttpStatusCode.OK);
        Link(JsonNode.Parse(await duplicate.Content.ReadAsStringAsync())).ShouldBe((seqA, hashA));
    }

    [Fact]
    public async Task Verify_recomputes_the_tenants_chain_for_a_read_key_and_is_recorded()
    {
        var tenant = await server.CreateTenantAsync();
        var batch = await (await server.CreateClient(tenant.IngestKey).PostAsJsonAsync(Batch, Events(5))).ReadItemsAsync();
        var read = server.CreateClient(tenant.ReadKey);

        var answer = await read.VerifyAsync();

        answer["ok"]!.GetValue<bool>().ShouldBeTrue();
        var last = Link(batch[^1]);
        answer["last_seq"]!.GetValue<long>().ShouldBe(last.Seq);
        answer["first_seq"]!.GetValue<long>().ShouldBe(1);
        answer["verified_events"]!.GetValue<long>().ShouldBe(last.Seq);
        answer["head_hash"]!.GetValue<string>().ShouldBe(last.Hash);

        // The verification is itself a record of the tenant's log (one more link), and verifies in turn.
        var next = await read.VerifyAsync();
        next["last_seq"]!.GetValue<long>().ShouldBe(last.Seq + 1);
        var ranged = await read.VerifyAsync("?from_seq=2&to_seq=3");
        ranged["verified_events"]!.GetValue<long>().ShouldBe(2);
        (await server.CreateClient(tenant.IngestKey).GetAsync(Verify)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await (await read.GetAsync(Verify + "?from_seq=0")).ShouldHaveStatusAsync(HttpStatusCode.BadRequest);
        await (await read.GetAsync(Verify + "?from_seq=5&to_seq=4")).ShouldHaveStatusAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_update_made_in_the_database_is_named_by_verify_and_by_the_command()
    {
        var tenant = await server.CreateTenantAsync();
        var batch = await (await server.CreateClient(tenant.IngestKey).PostAsJsonAsync(Batch, Events(3))).ReadItemsAsync();
        var target = Link(batch[1]).Seq;
        await using (var connection = await server.OpenTamperConnectionAsync())
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE audit_events SET action = 'READ' WHERE tenant_id = @tenant AND seq = @seq";
            DbParameters.Add(command, "@tenant", tenant.Id);
            DbParameters.Add(command, "@seq", target);
            (await command.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        var answer = await server.CreateClient(tenant.ReadKey).VerifyAsync();

        answer.ToJsonString().ShouldBe($"{{\"ok\":false,\"first_broken_seq\":{target},\"reason\":\"hash_mismatch\"}}");
        (await AuditVerifyCommand.RunAsync(["--tenant", tenant.Id, .. server.CommandArguments()])).ShouldBe(1);
    }

    [Fact]
    public async Task A_checkpoint_changed_in_the_database_is_named_by_verify_and_by_the_command()
    {
        var tenant = await server.CreateTenantAsync();
        var batch = await (await server.CreateClient(tenant.IngestKey).PostAsJsonAsync(Batch, Events(3))).ReadItemsAsync();
        var head = Link(batch[^1]).Seq;
        (await server.Factory.Services.GetRequiredService<CheckpointService>().SignHeadsAsync(CheckpointKinds.Periodic, default)).ShouldBeGreaterThan(0);
        (await server.CreateClient(tenant.ReadKey).VerifyAsync($"?to_seq={head}"))["ok"]!.GetValue<bool>().ShouldBeTrue();

        // The checkpoint now claims the hash of the first event for the head: its signature no longer covers it.
        await ExecuteAsync(
            $"UPDATE {CheckpointRowConfiguration.Table} SET hash = (SELECT hash FROM audit_events WHERE tenant_id = @tenant AND seq = 1) " +
            "WHERE tenant_id = @tenant AND seq = @seq",
            tenant.Id, head);

        var answer = await server.CreateClient(tenant.ReadKey).VerifyAsync($"?to_seq={head}");

        answer.ToJsonString().ShouldBe($"{{\"ok\":false,\"first_broken_seq\":{head},\"reason\":\"checkpoint_signature\"}}");
        (await AuditVerifyCommand.RunAsync(["--tenant", tenant.Id, "--to-seq", head.ToString(CultureInfo.InvariantCulture), .. server.CommandArguments()])).ShouldBe(1);
    }

    [Fact]
    public async Task A_tail_cut_with_the_head_rewound_verifies_as_a_chain_but_the_checkpoint_names_it()
    {
        var tenant = await server.CreateTenantAsync();
        var batch = await (await server.CreateClient(tenant.IngestKey).PostAsJsonAsync(Batch, Events(3))).ReadItemsAsync();
        var (last, _) = Link(batch[^1]);
        var (previous, previousHash) = Link(batch[^2]);
        await server.Factory.Services.GetRequiredService<CheckpointService>().SignHeadsAsync(CheckpointKinds.Periodic, default);

        // Someone with the database drops the newest event and rewinds the head to the one before: the rest of the
        // chain is intact, so only the signed checkpoint still knows the event existed.
        await ExecuteAsync("DELETE FROM audit_events WHERE tenant_id = @tenant AND seq = @seq", tenant.Id, last);
        await ExecuteAsync(
            $"UPDATE {AuditDbContext.ChainHeadsTable} SET seq = @seq, hash = (SELECT hash FROM audit_events WHERE tenant_id = @tenant AND seq = @seq) " +
            "WHERE tenant_id = @tenant",
            tenant.Id, previous);
        previousHash.ShouldMatch("^[0-9a-f]{64}$");

        var answer = await server.CreateClient(tenant.ReadKey).VerifyAsync();

        answer.ToJsonString().ShouldBe($"{{\"ok\":false,\"first_broken_seq\":{last},\"reason\":\"missing\"}}");
    }

    private async Task ExecuteAsync(string sql, string tenantId, long seq)
    {
        await using var connection = await server.OpenTamperConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        DbParameters.Add(command, "@tenant", tenantId);
        DbParameters.Add(command, "@seq", seq);
        (await command.ExecuteNonQueryAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task The_command_verifies_the_configured_database()
    {
        var tenant = await server.CreateTenantAsync();
        await server.CreateClient(tenant.IngestKey).PostAsJsonAsync(Batch, Events(4));

        (await AuditVerifyCommand.RunAsync(["--tenant", tenant.Id, .. server.CommandArguments()])).ShouldBe(0);
        (await AuditVerifyCommand.RunAsync(["--tenant", tenant.Id, "--from-seq", "2", "--to-seq", "3", .. server.CommandArguments()])).ShouldBe(0);
        (await AuditVerifyCommand.RunAsync(["--from-seq", "x"])).ShouldBe(2);
    }

    public static TheoryData<string, string> FileTamperings() => new()
    {
        { "edit a value", ChainBreakReasons.HashMismatch },
        { "delete a line", ChainBreakReasons.Missing },
        { "swap two lines' seq", ChainBreakReasons.Reordered },
        { "add a line with a forged hash", ChainBreakReasons.HashMismatch },
        { "edit a personal value", ChainBreakReasons.HashMismatch },
    };

    [Theory]
    [MemberData(nameof(FileTamperings))]
    public async Task An_ndjson_export_verifies_offline_and_tampering_with_the_file_is_named(string tampering, string reason)
    {
        var tenant = await server.CreateTenantAsync();
        await server.CreateClient(tenant.IngestKey).PostAsJsonAsync(Batch, Events(6));
        var read = server.CreateClient(tenant.ReadKey);
        var export = await (await read.GetAsync("/api/v1/audit-logs/export?format=ndjson")).Content.ReadAsStringAsync();
        using var directory = new TempDirectory("auditkit-verify");
        var file = directory.File("export.ndjson");
        await File.WriteAllTextAsync(file, export);

        var clean = await AuditExportChainFile.VerifyAsync(file, null, null, null, default);
        clean.Single().TenantId.ShouldBe(tenant.Id);
        clean.Single().Result.ShouldSatisfyAllConditions(r => r.Ok.ShouldBeTrue(), r => r.FirstSeq.ShouldBe(1));
        (await AuditVerifyCommand.RunAsync(["--file", file])).ShouldBe(0);

        // Lines come newest first; pick events of the batch (seq above the tenant's setup records).
        var lines = export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static l => JsonNode.Parse(l)!.AsObject()).ToList();
        var bySeq = lines.OrderBy(static l => l["seq"]!.GetValue<long>()).ToList();
        var top = bySeq[^1]["seq"]!.GetValue<long>();
        var victim = bySeq[^3];
        var victimSeq = victim["seq"]!.GetValue<long>();
        long expected = victimSeq;
        switch (tampering)
        {
            case "edit a value":
                victim["action"] = "READ";
                break;
            case "edit a personal value":
                victim["user_id"] = "mallory";
                break;
            case "delete a line":
                lines.Remove(victim);
                break;
            case "swap two lines' seq":
                var later = bySeq[^2];
                later["seq"] = victimSeq;
                victim["seq"] = victimSeq + 1;
                break;
            case "add a line with a forged hash":
                var forged = victim.DeepClone().AsObject();
                forged["id"] = Guid.CreateVersion7().ToString();
                forged["seq"] = top + 1;
                forged["hash"] = new string('a', 64);
                lines.Add(forged);
                expected = top + 1;
                break;
        }

        await File.WriteAllLinesAsync(file, lines.Select(static l => l.ToJsonString()));

        var broken = (await AuditExportChainFile.VerifyAsync(file, tenant.Id, null, null, default)).Single().Result;
        broken.ShouldSatisfyAllConditions(r => r.Ok.ShouldBeFalse(), r => r.FirstBrokenSeq.ShouldBe(expected), r => r.Reason.ShouldBe(reason));
        (await AuditVerifyCommand.RunAsync(["--file", file])).ShouldBe(1);
    }

    private static object[] Events(int count) =>
    [
        .. Enumerable.Range(0, count).Select(i => (object)new
        {
            action = "UPDATE",
            user_id = "alice",
            ip_address = "203.0.113.7",
            description = "change " + i.ToString(CultureInfo.InvariantCulture),
            new_values = new { b = 1.50, a = new[] { 1, 2 } },
            changes = new[] { new { property = "Status", old = "Active", @new = "Closed" } },
            tags = new[] { "SOX" },
            duration_ms = 12.25,
            status_code = 200,
        }),
    ];

    private static (long Seq, string Hash) Link(JsonNode? item) => (item!["seq"]!.GetValue<long>(), item["hash"]!.GetValue<string>());
}

public sealed class SqliteIntegrityApiTests(SqliteServerFixture server) : IntegrityApiTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresIntegrityApiTests(PostgresServerFixture server) : IntegrityApiTests(server), IClassFixture<PostgresServerFixture>;
