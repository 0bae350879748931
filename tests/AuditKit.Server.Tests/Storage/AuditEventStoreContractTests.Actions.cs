namespace AuditKit.Server.Tests.Storage;

/// <summary>The canonical action: stored beside the action as sent, configured per tenant, backfilled for old rows.</summary>
public abstract partial class AuditEventStoreContractTests
{
    [Fact]
    public async Task An_event_keeps_its_action_and_gets_the_canonical_one()
    {
        var tenant = NewTenant();
        var alias = StorageTestEvents.Minimal(action: "AUTH_LOGIN_FAILED");
        var native = StorageTestEvents.Minimal(action: AuditActions.Delete);
        var unknown = StorageTestEvents.Minimal(action: "ENDPOINT_PUBLISHED");

        await Events.InsertAsync(tenant, [alias, native, unknown], s_received, AuditInsertHooks.None, default);

        alias.ActionCanonical.ShouldBe(AuditActions.LoginFailed, "the store completes the events handed in");
        var stored = await Events.GetAsync(tenant, alias.Id, default);
        stored.ShouldNotBeNull();
        stored.Action.ShouldBe("AUTH_LOGIN_FAILED");
        stored.ActionCanonical.ShouldBe(AuditActions.LoginFailed);
        (await Events.GetAsync(tenant, native.Id, default))!.ActionCanonical.ShouldBe(AuditActions.Delete);
        (await Events.GetAsync(tenant, unknown.Id, default))!.ActionCanonical.ShouldBe("ENDPOINT_PUBLISHED");
        var page = await Events.QueryAsync(tenant, new AuditEventQuery(), default);
        page.Items.Single(e => e.Id == alias.Id).ActionCanonical.ShouldBe(AuditActions.LoginFailed);
    }

    [Fact]
    public async Task Failed_authentication_is_found_by_canonical_action()
    {
        var tenant = NewTenant();
        var older = StorageTestEvents.Minimal(action: "AUTH_LOGIN_FAILED");
        var native = StorageTestEvents.Minimal(action: AuditActions.LoginFailed);
        var success = StorageTestEvents.Minimal(action: "LOGIN_SUCCESS");
        await Events.InsertAsync(tenant, [older, native, success], s_received, AuditInsertHooks.None, default);

        var page = await Events.QueryAsync(tenant, new AuditEventQuery { FailedAuthentication = true }, default);

        page.Items.Select(e => e.Id).ShouldBe([older.Id, native.Id], ignoreOrder: true);
    }

    [Fact]
    public async Task A_tenant_s_aliases_from_configuration_apply_to_its_events_only()
    {
        var tenant = NewTenant();
        var other = NewTenant();
        var settings = StorageSettings();
        settings[$"AuditKit:Actions:Tenants:{tenant}:Aliases:signin_denied"] = "LOGIN_FAILED";
        settings["AuditKit:Actions:Aliases:record.purged"] = "DELETE";
        await using var configured = BuildServices(settings);
        var store = configured.GetRequiredService<IAuditEventStore>();
        var mine = StorageTestEvents.Minimal(action: "SIGNIN_DENIED");
        var theirs = StorageTestEvents.Minimal(action: "SIGNIN_DENIED");
        var purge = StorageTestEvents.Minimal(action: "RECORD_PURGED");

        await store.InsertAsync(tenant, [mine], s_received, AuditInsertHooks.None, default);
        await store.InsertAsync(other, [theirs, purge], s_received, AuditInsertHooks.None, default);

        (await store.GetAsync(tenant, mine.Id, default))!.ActionCanonical.ShouldBe(AuditActions.LoginFailed);
        (await store.GetAsync(other, theirs.Id, default))!.ActionCanonical.ShouldBe("SIGNIN_DENIED");
        (await store.GetAsync(other, purge.Id, default))!.ActionCanonical.ShouldBe(AuditActions.Delete);
    }

    [Fact]
    public async Task The_backfill_fills_rows_stored_before_the_canonical_action_without_touching_their_hashes()
    {
        var tenant = NewTenant();
        var other = NewTenant();
        var events = Enumerable.Range(0, 7).Select(i => StorageTestEvents.Minimal(
            StorageTestEvents.BaseTime.AddSeconds(i), i % 3 == 0 ? "DELETED" : i % 3 == 1 ? "ROLE_ASSIGNED" : AuditActions.Read)).ToList();
        await Events.InsertAsync(tenant, events, s_received, AuditInsertHooks.None, default);
        var untouched = StorageTestEvents.Minimal(action: "DELETED");
        await Events.InsertAsync(other, [untouched], s_received, AuditInsertHooks.None, default);
        var before = await HashesAsync(tenant);

        // As a row stored before the column existed: no canonical action.
        await ExecuteAsync($"UPDATE audit_events SET action_canonical = NULL WHERE tenant_id = '{tenant}'");
        (await Events.GetAsync(tenant, events[0].Id, default))!.ActionCanonical.ShouldBeNull();

        var filled = await Services.GetRequiredService<AuditActionBackfill>().RunAsync(default);

        filled.ShouldBe(7);
        foreach (var e in events)
        {
            var stored = await Events.GetAsync(tenant, e.Id, default);
            stored!.ActionCanonical.ShouldBe(e.Action switch { "DELETED" => AuditActions.Delete, "ROLE_ASSIGNED" => AuditActions.RoleAssign, _ => AuditActions.Read });
            stored.Action.ShouldBe(e.Action);
        }

        (await HashesAsync(tenant)).ShouldBe(before);
        (await Services.GetRequiredService<AuditActionBackfill>().RunAsync(default)).ShouldBe(0, "nothing is left to fill");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await Services.GetRequiredService<StorageConnections>().OpenAsync(StorageScope.System, default);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<string>> HashesAsync(string tenant)
    {
        await using var connection = await Services.GetRequiredService<StorageConnections>().OpenAsync(StorageScope.Tenant(tenant), default);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT hash FROM audit_events WHERE tenant_id = '{tenant}' ORDER BY seq";
        var hashes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            hashes.Add(Convert.ToHexString((byte[])reader.GetValue(0)));
        }

        return hashes;
    }
}
