namespace AuditKit.Server.Tests.Retention;

/// <summary>
/// Retention keeps the chain: a cut is recorded in <c>retention_cuts</c> (by the owner's function on PostgreSQL, where
/// the server runs as a role that may not delete events) and the last deleted event is signed as an anchor, from which
/// verify resumes instead of reporting the deleted seqs as missing. A changed anchor is named, a removed one leaves
/// the deleted seqs missing.
/// </summary>
public abstract class RetentionAnchorTests(AuditKitServerFixture server)
{
    private const string Batch = "/api/v1/audit-logs/batch";

    [Fact]
    public async Task A_cut_is_recorded_with_a_signed_anchor_and_verify_resumes_from_it()
    {
        var (tenant, lastGone, lastGoneHash, head) = await CutAsync();

        await using (var connection = await server.OpenTamperConnectionAsync())
        {
            var cut = await RowAsync(
                connection, "SELECT deleted_events, last_seq, last_hash, performed_by FROM retention_cuts WHERE tenant_id = @t", tenant.Id);
            cut[0].ShouldBe(5L);
            cut[1].ShouldBe(lastGone);
            Convert.ToHexStringLower((byte[])cut[2]!).ShouldBe(lastGoneHash);
            cut[3].ShouldBe(server is PostgresServerFixture ? TestPostgres.RuntimeRole : RelationalRetentionStore.SqliteActor);

            var anchor = await RowAsync(
                connection, $"SELECT seq, hash, key_id FROM integrity_checkpoints WHERE tenant_id = @t AND kind = '{CheckpointKinds.Anchor}'", tenant.Id);
            anchor[0].ShouldBe(lastGone);
            Convert.ToHexStringLower((byte[])anchor[1]!).ShouldBe(lastGoneHash);
            anchor[2].ShouldBe(server.SigningKeyId);
        }

        using var read = server.CreateClient(tenant.ReadKey);
        var answer = await read.VerifyAsync();
        answer["ok"]!.GetValue<bool>().ShouldBeTrue(answer.ToJsonString());
        answer["first_seq"]!.GetValue<long>().ShouldBe(1);
        answer["last_seq"]!.GetValue<long>().ShouldBe(head);
        answer["verified_events"]!.GetValue<long>().ShouldBe(head - 5);

        // A run starting right after the deleted seqs links after the anchor.
        (await read.VerifyAsync($"?from_seq={lastGone + 1}"))["ok"]!.GetValue<bool>().ShouldBeTrue();
        (await AuditVerifyCommand.RunAsync(["--tenant", tenant.Id, .. server.CommandArguments()])).ShouldBe(0);
    }

    [Fact]
    public async Task A_changed_anchor_is_named_by_verify_and_by_the_command()
    {
        var (tenant, lastGone, _, _) = await CutAsync();

        // The anchor now claims another hash: its signature no longer covers it.
        await ExecuteAsync(
            $"UPDATE integrity_checkpoints SET hash = (SELECT hash FROM audit_events WHERE tenant_id = @t AND seq = 1) WHERE tenant_id = @t AND kind = '{CheckpointKinds.Anchor}'",
            tenant.Id);

        var answer = await server.CreateClient(tenant.ReadKey).VerifyAsync();

        answer.ToJsonString().ShouldBe($"{{\"ok\":false,\"first_broken_seq\":{lastGone},\"reason\":\"checkpoint_signature\"}}");
        (await AuditVerifyCommand.RunAsync(["--tenant", tenant.Id, .. server.CommandArguments()])).ShouldBe(1);
    }

    [Fact]
    public async Task Without_its_anchor_the_deleted_seqs_are_missing()
    {
        var (tenant, lastGone, _, _) = await CutAsync();
        await ExecuteAsync($"DELETE FROM integrity_checkpoints WHERE tenant_id = @t AND kind = '{CheckpointKinds.Anchor}'", tenant.Id);

        var answer = await server.CreateClient(tenant.ReadKey).VerifyAsync();

        answer.ToJsonString().ShouldBe($"{{\"ok\":false,\"first_broken_seq\":{lastGone - 4},\"reason\":\"missing\"}}");
    }

    /// <summary>
    /// A tenant whose log holds its server records (seq 1..4), five events of 60 days ago, a signed checkpoint at the
    /// last of them, and two recent events; then a 30-day retention purge, which deletes the five. Returns the last
    /// deleted seq and its hash, and the head after the purge's own record.
    /// </summary>
    private async Task<(TestTenant Tenant, long LastGone, string LastGoneHash, long Head)> CutAsync()
    {
        var tenant = await server.CreateTenantAsync("anchor");
        using var ingest = server.CreateClient(tenant.IngestKey);
        var now = server.Time.GetUtcNow();
        var old = await (await ingest.PostAsJsonAsync(Batch, Events(5, now.AddDays(-60)))).ReadItemsAsync();
        await server.Factory.Services.GetRequiredService<CheckpointService>().SignHeadsAsync(CheckpointKinds.Periodic, default);
        await (await ingest.PostAsJsonAsync(Batch, Events(2, now.AddMinutes(-5)))).ReadItemsAsync();
        var lastGone = old[^1]!["seq"]!.GetValue<long>();
        var lastGoneHash = old[^1]!["hash"]!.GetValue<string>();

        var retention = server.Factory.Services.GetRequiredService<IOptions<RetentionOptions>>().Value;
        retention.Tenants[tenant.Id] = new TenantRetention { Days = 30 };
        try
        {
            var purged = await server.Factory.Services.GetRequiredService<AuditRetentionService>().PurgeAsync(default);
            purged.ShouldBe(new Dictionary<string, long> { [tenant.Id] = 5 });
        }
        finally
        {
            retention.Tenants.Remove(tenant.Id);
        }

        // The server records, the two recent events and the record of the purge.
        return (tenant, lastGone, lastGoneHash, lastGone + 2 + 1);
    }

    private async Task ExecuteAsync(string sql, string tenantId)
    {
        await using var connection = await server.OpenTamperConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        DbParameters.Add(command, "@t", tenantId);
        (await command.ExecuteNonQueryAsync()).ShouldBe(1);
    }

    private static async Task<object?[]> RowAsync(System.Data.Common.DbConnection connection, string sql, string tenantId)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        DbParameters.Add(command, "@t", tenantId);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue(sql);
        var row = new object?[reader.FieldCount];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        }

        (await reader.ReadAsync()).ShouldBeFalse(sql);
        return row;
    }

    private static object[] Events(int count, DateTimeOffset at) =>
    [
        .. Enumerable.Range(0, count).Select(i => (object)new
        {
            action = "UPDATE",
            user_id = "alice",
            timestamp = at.AddSeconds(i).ToString("O", CultureInfo.InvariantCulture),
            description = "change " + i.ToString(CultureInfo.InvariantCulture),
        }),
    ];
}

public sealed class SqliteRetentionAnchorTests(SqliteServerFixture server) : RetentionAnchorTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresRetentionAnchorTests(PostgresServerFixture server) : RetentionAnchorTests(server), IClassFixture<PostgresServerFixture>;
