namespace AuditKit.EfCore.Tests;

public abstract partial class EntityAuditTests
{
    // ---- Entities attached with Update() ------------------------------------------------------------------------

    [Fact]
    public async Task An_entity_attached_with_Update_is_diffed_against_reloaded_database_values_when_asked()
    {
        using var harness = new AuditHarness(Database, o =>
        {
            AuditHarness.DefaultOptions(o);
            o.ReloadDatabaseValuesForUpdatedEntities = true;
        });
        var (seeded, _) = await UpdateDetachedCustomerAsync(harness);

        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        var change = auditEvent.Changes.ShouldHaveSingleItem();
        change.Property.ShouldBe(nameof(Customer.Name));
        change.Old!.GetValue<string>().ShouldBe(seeded.Name);
        auditEvent.Metadata!.ContainsKey("original_values_known").ShouldBeFalse();
    }

    [Fact]
    public async Task Without_reload_an_entity_attached_with_Update_reports_new_values_only()
    {
        using var harness = new AuditHarness(Database);
        var (_, detached) = await UpdateDetachedCustomerAsync(harness);

        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.Action.ShouldBe(AuditActions.Update);
        auditEvent.OldValues.ShouldBeNull();
        auditEvent.Changes.ShouldBeNull();
        auditEvent.NewValues!["Name"]!.GetValue<string>().ShouldBe(detached.Name);
        auditEvent.NewValues["Ssn"]!.GetValue<string>().ShouldBe("*******6789");
        auditEvent.Metadata!["original_values_known"]!.GetValue<bool>().ShouldBeFalse();
    }

    // Seeds a customer, reads it back untracked, renames it and saves it attached with Update() to a new context.
    private static async Task<(Customer Seeded, Customer Detached)> UpdateDetachedCustomerAsync(AuditHarness harness)
    {
        var seeded = await Seed(harness);
        Customer detached;
        await using (var read = harness.PlainContext())
        {
            detached = await read.Customers.AsNoTracking().SingleAsync(c => c.Id == seeded.Id);
        }

        detached.Name = "Detached " + seeded.Name;
        await using var context = harness.NewContext();
        context.Update(detached);
        await context.SaveChangesAsync();
        return (seeded, detached);
    }
}
