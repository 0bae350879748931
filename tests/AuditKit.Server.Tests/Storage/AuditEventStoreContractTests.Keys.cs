namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// The key set's version, foreign keys in a tenant's list, access revocation, and records written into further
/// tenants in the transaction of a change.
/// </summary>
public abstract partial class AuditEventStoreContractTests
{
    [Fact]
    public async Task The_key_set_version_moves_with_every_committed_key_change_and_only_then()
    {
        var home = NewTenant();
        var other = NewTenant();
        foreach (var tenant in new[] { home, other })
        {
            await Tenants.CreateTenantAsync(new TenantRecord(tenant, "T", StorageTestEvents.BaseTime), default);
        }

        var key = NewKey(home, [other]);
        await RejectInsertsOfActionAsync("REJECTED_BY_DATABASE");
        var start = await Tenants.GetKeySetVersionAsync(default);

        await Tenants.CreateKeyAsync(key, default);
        var created = await Tenants.GetKeySetVersionAsync(default);
        await Should.ThrowAsync<Exception>(() => Events.InsertAsync(
            other, [Record("REJECTED_BY_DATABASE")], s_received,
            new AuditInsertHooks(Before: (_, t, ct) => Tenants.RevokeTenantAccessAsync(other, key.Id, t, ct)), default));
        var refused = await Tenants.GetKeySetVersionAsync(default);
        var revokedAccess = false;
        await Events.InsertAsync(
            other, [Record("PERMISSION_REVOKE")], s_received,
            new AuditInsertHooks(Before: async (_, t, ct) => revokedAccess = await Tenants.RevokeTenantAccessAsync(other, key.Id, t, ct)), default);
        var accessRevoked = await Tenants.GetKeySetVersionAsync(default);
        (await Tenants.RevokeKeyAsync(home, key.Id, StorageTestEvents.BaseTime, default)).ShouldBeTrue();
        var revoked = await Tenants.GetKeySetVersionAsync(default);

        created.ShouldBeGreaterThan(start);
        refused.ShouldBe(created, "a rolled-back change moved the version");
        revokedAccess.ShouldBeTrue();
        accessRevoked.ShouldBeGreaterThan(created);
        revoked.ShouldBeGreaterThan(accessRevoked);
    }

    [Fact]
    public async Task A_tenants_keys_include_the_other_tenants_keys_that_write_into_it_until_its_access_is_revoked()
    {
        var home = NewTenant();
        var other = NewTenant();
        var third = NewTenant();
        foreach (var tenant in new[] { home, other, third })
        {
            await Tenants.CreateTenantAsync(new TenantRecord(tenant, "T", StorageTestEvents.BaseTime), default);
        }

        var key = NewKey(home, [other, third]);
        await Tenants.CreateKeyAsync(key, default);
        var own = NewKey(other, []);
        await Tenants.CreateKeyAsync(own, default);

        (await Tenants.ListKeysAsync(other, default)).Select(static k => k.Id).ShouldBe([key.Id, own.Id], ignoreOrder: true);
        (await Tenants.ListKeysAsync(NewTenant(), default)).ShouldBeEmpty();

        var revoked = await RevokeAccessAsync(other, key.Id);
        var again = await RevokeAccessAsync(other, key.Id);
        var ownKeyIsNotForeign = await RevokeAccessAsync(other, own.Id);

        revoked.ShouldBeTrue();
        again.ShouldBeFalse();
        ownKeyIsNotForeign.ShouldBeFalse();
        (await Tenants.ListKeysAsync(other, default)).Select(static k => k.Id).ShouldBe([own.Id]);
        (await Tenants.ListKeysAsync(third, default)).Select(static k => k.Id).ShouldBe([key.Id]);
        (await Tenants.FindKeyByHashAsync(key.KeyHash, default))!.AllowedTenants.ShouldBe([third]);
    }

    [Fact]
    public async Task Records_written_into_further_tenants_commit_with_the_insert_or_not_at_all()
    {
        var home = NewTenant();
        var other = NewTenant();
        var further = Services.GetRequiredService<AuditTransactionEvents>();
        await RejectInsertsOfActionAsync("REJECTED_BY_DATABASE");
        var alsoRecorded = Record("CREATE");

        await Should.ThrowAsync<Exception>(() => Events.InsertAsync(
            home, [Record("REJECTED_BY_DATABASE")], s_received,
            new AuditInsertHooks(Before: (_, t, ct) => further.AddAsync(other, [alsoRecorded], s_received, t, ct)), default));
        (await Events.GetAsync(other, alsoRecorded.Id, default)).ShouldBeNull();

        await Events.InsertAsync(
            home, [Record("CREATE")], s_received,
            new AuditInsertHooks(Before: (_, t, ct) => further.AddAsync(other, [alsoRecorded], s_received, t, ct)), default);
        var stored = await Events.GetAsync(other, alsoRecorded.Id, default);
        stored.ShouldNotBeNull();
        stored.TenantId.ShouldBe(other);
        stored.Action.ShouldBe("CREATE");
        (await Events.QueryAsync(other, new AuditEventQuery { Search = alsoRecorded.Description }, default)).Items.ShouldHaveSingleItem();
    }

    private async Task<bool> RevokeAccessAsync(string tenant, Guid keyId)
    {
        var revoked = false;
        await Events.InsertAsync(
            tenant, [Record("PERMISSION_REVOKE")], s_received,
            new AuditInsertHooks(Before: async (_, t, ct) => revoked = await Tenants.RevokeTenantAccessAsync(tenant, keyId, t, ct)), default);
        return revoked;
    }

    private static ApiKeyRecord NewKey(string tenant, IReadOnlyList<string> allowed) => new(
        Guid.CreateVersion7(), tenant, "ingest",
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray())),
        "ak_k", null, StorageTestEvents.BaseTime, null, allowed);

    private static AuditEvent Record(string action)
    {
        var record = StorageTestEvents.Minimal(StorageTestEvents.BaseTime, action);
        record.Description = "recorded " + Guid.NewGuid().ToString("N");
        return record;
    }
}
