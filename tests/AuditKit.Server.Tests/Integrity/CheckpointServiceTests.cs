namespace AuditKit.Server.Tests.Integrity;

/// <summary>
/// The checkpoint job signs each tenant's chain head every interval and at graceful shutdown, skips heads already
/// signed, and of several instances signing the same head only one checkpoint is kept.
/// </summary>
public sealed class CheckpointServiceTests
{
    [Theory]
    [InlineData("PostgreSQL")]
    [InlineData("SQLite")]
    public async Task Periodic_and_shutdown_checkpoints_are_stored_with_valid_signatures(string provider)
    {
        await using var storage = await OutboxStorage.CreateAsync(provider);
        var heads = new CheckpointTestHeads();
        var pem = CheckpointTestKeys.NewPrivatePem();
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        TestTenant tenant;
        byte[] first;
        byte[] last;
        await using (var host = new CheckpointHost(storage.Settings, heads, time: time, settings: CheckpointTestKeys.Active("k1", pem)))
        {
            tenant = await host.CreateTenantAsync("ckpt");
            first = heads.Move(tenant.Id, 5);

            // Nothing before the interval has passed, one checkpoint once it has.
            time.Advance(TimeSpan.FromMinutes(9));
            await Task.Delay(200);
            (await host.StoredAsync(tenant.Id)).ShouldBeEmpty();
            time.Advance(TimeSpan.FromMinutes(1));
            var periodic = (await WaitForAsync(host, tenant.Id, 1)).ShouldHaveSingleItem();
            periodic.Seq.ShouldBe(5);
            periodic.Hash.ShouldBe(first);
            periodic.Kind.ShouldBe(CheckpointKinds.Periodic);
            periodic.KeyId.ShouldBe("k1");
            periodic.SignedAt.ShouldBe(new DateTimeOffset(2025, 3, 1, 9, 10, 0, TimeSpan.Zero));
            periodic.Signature.Length.ShouldBe(64);
            CheckpointSignature.Verify(periodic, host.Keys.Keys).ShouldBe(CheckpointVerification.Ok);

            // The head has not moved: the next run signs nothing.
            (await host.Checkpoints.SignHeadsAsync(CheckpointKinds.Periodic, CancellationToken.None)).ShouldBe(0);

            last = heads.Move(tenant.Id, 8);
            time.Advance(TimeSpan.FromMinutes(3));
        }

        // The graceful stop signed the moved head, once.
        await using (var host = new CheckpointHost(storage.Settings, heads: null, time: time, settings: CheckpointTestKeys.Active("k1", pem)))
        {
            var stored = await host.StoredAsync(tenant.Id);
            stored.Select(static c => (c.Seq, c.Kind)).ShouldBe([(5L, CheckpointKinds.Periodic), (8L, CheckpointKinds.Shutdown)]);
            stored[1].Hash.ShouldBe(last);
            stored[1].SignedAt.ShouldBe(new DateTimeOffset(2025, 3, 1, 9, 13, 0, TimeSpan.Zero));
            stored.ShouldAllBe(c => CheckpointSignature.Verify(c, host.Keys.Keys) == CheckpointVerification.Ok);

            using var read = host.CreateClient(tenant.ReadKey);
            var items = (await read.GetFromJsonAsync<JsonElement>("/api/v1/integrity/checkpoints")).GetProperty("items");
            items.GetArrayLength().ShouldBe(2);
            items[1].GetProperty("kind").GetString().ShouldBe("shutdown");
            items[1].GetProperty("hash").GetString().ShouldBe(Convert.ToHexStringLower(last));
        }
    }

    [Theory]
    [InlineData("PostgreSQL")]
    [InlineData("SQLite")]
    public async Task Of_two_instances_signing_the_same_head_one_checkpoint_is_kept(string provider)
    {
        await using var storage = await OutboxStorage.CreateAsync(provider);
        var heads = new CheckpointTestHeads();
        var settings = CheckpointTestKeys.Active("shared", CheckpointTestKeys.NewPrivatePem());
        await using var one = new CheckpointHost(storage.Settings, heads, settings: settings);
        await using var two = new CheckpointHost(storage.Settings, heads, settings: settings);
        var tenant = await one.CreateTenantAsync("two");
        heads.Move(tenant.Id, 42);

        // However the two runs interleave (both sign and one insert loses, or the later one sees the head signed),
        // exactly one checkpoint of (tenant, 42) is stored.
        var signed = await Task.WhenAll(
            one.Checkpoints.SignHeadsAsync(CheckpointKinds.Periodic, CancellationToken.None),
            two.Checkpoints.SignHeadsAsync(CheckpointKinds.Shutdown, CancellationToken.None));

        signed.Sum().ShouldBe(1);
        (await one.StoredAsync(tenant.Id)).ShouldHaveSingleItem().Seq.ShouldBe(42);
        var store = (ICheckpointStore)one.Services.GetService(typeof(ICheckpointStore))!;
        var again = CheckpointSignature.Sign(new ChainHead(tenant.Id, 42, new byte[32]), two.Keys.Active!, two.Time.GetUtcNow(), CheckpointKinds.Shutdown);
        (await store.TryAddAsync(again, CancellationToken.None)).ShouldBeFalse();
    }

    internal static async Task<IReadOnlyList<CheckpointRow>> WaitForAsync(CheckpointHost host, string tenantId, int count)
    {
        for (var tries = 0; tries < 200; tries++)
        {
            var stored = await host.StoredAsync(tenantId);
            if (stored.Count >= count)
            {
                return stored;
            }

            await Task.Delay(50);
        }

        return await host.StoredAsync(tenantId);
    }
}
