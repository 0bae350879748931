namespace AuditKit.Server.Tests.Integrity;

/// <summary>
/// <c>GET /api/v1/integrity/checkpoints</c> lists the caller's tenant's checkpoints by seq with cursor paging;
/// <c>GET /api/v1/integrity/public-keys</c> lists every key checkpoints verify with, old ones after a rotation too.
/// </summary>
public sealed class CheckpointEndpointTests
{
    [Theory]
    [InlineData("PostgreSQL")]
    [InlineData("SQLite")]
    public async Task Each_tenant_reads_only_its_own_checkpoints_and_every_caller_the_same_keys(string provider)
    {
        await using var storage = await OutboxStorage.CreateAsync(provider);
        var heads = new CheckpointTestHeads();
        await using var host = new CheckpointHost(storage.Settings, heads, settings: CheckpointTestKeys.Active("k1", CheckpointTestKeys.NewPrivatePem()));
        var a = await host.CreateTenantAsync("iso-a");
        var b = await host.CreateTenantAsync("iso-b");
        var hashA = heads.Move(a.Id, 3);
        var hashB = heads.Move(b.Id, 9);
        (await host.Checkpoints.SignHeadsAsync(CheckpointKinds.Periodic, CancellationToken.None)).ShouldBe(2);

        using var readA = host.CreateClient(a.ReadKey);
        using var readB = host.CreateClient(b.ReadKey);
        var itemA = (await ItemsAsync(readA, string.Empty)).ShouldHaveSingleItem();
        itemA.GetProperty("tenant_id").GetString().ShouldBe(a.Id);
        itemA.GetProperty("hash").GetString().ShouldBe(Convert.ToHexStringLower(hashA));
        var itemB = (await ItemsAsync(readB, string.Empty)).ShouldHaveSingleItem();
        itemB.GetProperty("tenant_id").GetString().ShouldBe(b.Id);
        itemB.GetProperty("seq").GetInt64().ShouldBe(9);
        itemB.GetProperty("hash").GetString().ShouldBe(Convert.ToHexStringLower(hashB));
        (await ItemsAsync(readA, "?from_seq=9&to_seq=9")).ShouldBeEmpty();

        // Keys are the server's, not a tenant's: every authenticated caller gets the same list, with nothing of a tenant in it.
        using var ingestA = host.CreateClient(a.IngestKey);
        var keysA = await readA.GetStringAsync("/api/v1/integrity/public-keys");
        (await readB.GetStringAsync("/api/v1/integrity/public-keys")).ShouldBe(keysA);
        (await ingestA.GetStringAsync("/api/v1/integrity/public-keys")).ShouldBe(keysA);
        keysA.ShouldNotContain(a.Id);
        keysA.ShouldNotContain("PRIVATE");

        // Checkpoints need the read role; neither endpoint answers without a key.
        (await ingestA.GetAsync("/api/v1/integrity/checkpoints")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var anonymous = host.CreateClient();
        (await anonymous.GetAsync("/api/v1/integrity/checkpoints")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("/api/v1/integrity/public-keys")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("PostgreSQL")]
    [InlineData("SQLite")]
    public async Task After_a_rotation_both_keys_are_listed_and_the_old_checkpoints_still_verify(string provider)
    {
        await using var storage = await OutboxStorage.CreateAsync(provider);
        var heads = new CheckpointTestHeads();
        var k1 = CheckpointTestKeys.NewPrivatePem();
        var k2 = CheckpointTestKeys.NewPrivatePem();
        TestTenant tenant;
        await using (var before = new CheckpointHost(storage.Settings, heads, settings: CheckpointTestKeys.Active("k1", k1)))
        {
            tenant = await before.CreateTenantAsync("rotate");
            heads.Move(tenant.Id, 10);
            (await before.Checkpoints.SignHeadsAsync(CheckpointKinds.Periodic, CancellationToken.None)).ShouldBe(1);
        }

        heads.Move(tenant.Id, 20);

        // k2 signs from now on; k1 stays listed with its public part only.
        await using var after = new CheckpointHost(
            storage.Settings,
            heads,
            settings:
            [
                ("AuditKit:Integrity:SigningKeys:0:KeyId", "k2"),
                ("AuditKit:Integrity:SigningKeys:0:PrivateKeyPem", k2),
                ("AuditKit:Integrity:SigningKeys:0:Active", "true"),
                ("AuditKit:Integrity:SigningKeys:1:KeyId", "k1"),
                ("AuditKit:Integrity:SigningKeys:1:PublicKeyPem", CheckpointTestKeys.PublicPemOf(k1)),
            ]);
        (await after.Checkpoints.SignHeadsAsync(CheckpointKinds.Periodic, CancellationToken.None)).ShouldBe(1);

        using var read = after.CreateClient(tenant.ReadKey);
        var keys = (await read.GetFromJsonAsync<JsonElement>("/api/v1/integrity/public-keys")).GetProperty("keys").EnumerateArray().ToList();
        keys.Select(static k => (k.GetProperty("key_id").GetString(), k.GetProperty("algorithm").GetString(), k.GetProperty("active").GetBoolean()))
            .ShouldBe([("k2", "ES256", true), ("k1", "ES256", false)]);
        keys[1].GetProperty("public_key_pem").GetString().ShouldBe(CheckpointTestKeys.PublicPemOf(k1));

        // Checked with the keys as the API lists them, as a third party would.
        var listed = keys.Select(static k =>
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(k.GetProperty("public_key_pem").GetString());
            return new SigningKey(k.GetProperty("key_id").GetString()!, ecdsa, hasPrivateKey: false, k.GetProperty("active").GetBoolean());
        }).ToList();
        try
        {
            var stored = await after.StoredAsync(tenant.Id);
            stored.Select(static c => (c.Seq, c.KeyId)).ShouldBe([(10L, "k1"), (20L, "k2")]);
            stored.ShouldAllBe(c => CheckpointSignature.Verify(c, listed) == CheckpointVerification.Ok);
            CheckpointSignature.Verify(stored[0], listed.Where(static k => k.KeyId == "k2")).ShouldBe(CheckpointVerification.UnknownKey);
        }
        finally
        {
            listed.ForEach(static k => k.Dispose());
        }
    }

    [Fact]
    public async Task The_list_pages_by_seq_with_a_cursor_and_names_each_bad_parameter()
    {
        await using var storage = await OutboxStorage.CreateAsync("SQLite");
        var heads = new CheckpointTestHeads();
        await using var host = new CheckpointHost(storage.Settings, heads);
        var tenant = await host.CreateTenantAsync("pages");
        foreach (var seq in new long[] { 1, 2, 3, 5, 8 })
        {
            heads.Move(tenant.Id, seq);
            (await host.Checkpoints.SignHeadsAsync(CheckpointKinds.Periodic, CancellationToken.None)).ShouldBe(1);
        }

        using var read = host.CreateClient(tenant.ReadKey);
        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await read.GetFromJsonAsync<JsonElement>($"/api/v1/integrity/checkpoints?limit=2&from_seq=2{(cursor is null ? string.Empty : "&cursor=" + cursor)}");
            page.GetProperty("limit").GetInt32().ShouldBe(2);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(static i => i.GetProperty("seq").GetInt64()));
            cursor = page.TryGetProperty("next_cursor", out var next) ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null && pages < 10);

        seen.ShouldBe([2L, 3, 5, 8]);
        pages.ShouldBe(2);
        (await ItemsAsync(read, "?to_seq=4")).Select(static i => i.GetProperty("seq").GetInt64()).ShouldBe([1L, 2, 3]);

        foreach (var (query, field) in new[]
        {
            ("from_seq=-1", "from_seq"), ("to_seq=x", "to_seq"), ("from_seq=5&to_seq=4", "to_seq"), ("limit=0", "limit"), ("limit=1001", "limit"),
            ("cursor=not-a-cursor", "cursor"), ("cursor=" + CheckpointCursor.Encode(3, "forged"), "cursor"),
        })
        {
            var response = await read.GetAsync($"/api/v1/integrity/checkpoints?{query}");
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, query);
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(query);
        }
    }

    private static async Task<List<JsonElement>> ItemsAsync(HttpClient read, string query)
    {
        var response = await read.GetAsync($"/api/v1/integrity/checkpoints{query}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()];
    }
}
