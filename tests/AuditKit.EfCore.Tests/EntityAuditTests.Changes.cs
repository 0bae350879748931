namespace AuditKit.EfCore.Tests;

public abstract partial class EntityAuditTests
{
    // ---- One event per changed entity -------------------------------------------------------------------------

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Insert_emits_one_CREATE_carrying_the_store_generated_key_and_values(bool async)
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        var customer = NewCustomer();
        context.Customers.Add(customer);

        await Save(context, async);

        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.Source.ShouldBe(AuditSources.EfCore);
        auditEvent.Action.ShouldBe(AuditActions.Create);
        auditEvent.Status.ShouldBe(AuditStatus.Success);
        auditEvent.Severity.ShouldBe(AuditSeverity.Medium);
        auditEvent.ResourceType.ShouldBe(nameof(Customer));
        customer.Id.ShouldBeGreaterThan(0);
        auditEvent.ResourceId.ShouldBe(customer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        auditEvent.NewValues!["Id"]!.GetValue<int>().ShouldBe(customer.Id);
        customer.Rank.ShouldBe(7);
        auditEvent.NewValues["Rank"]!.GetValue<int>().ShouldBe(7);
        auditEvent.NewValues["Name"]!.GetValue<string>().ShouldBe(customer.Name);
        auditEvent.NewValues["Address.City"]!.GetValue<string>().ShouldBe("Paris");
        auditEvent.NewValues["Shipping.Line1"]!.GetValue<string>().ShouldBe("1 Quay Street");
        auditEvent.OldValues.ShouldBeNull();
        auditEvent.Changes.ShouldBeNull();
        auditEvent.Metadata!["table"]!.GetValue<string>().ShouldBe("Customers");
        auditEvent.Category.ShouldBe("customer");
        auditEvent.Tags.ShouldBe(["GDPR"]);
        auditEvent.Id.Version.ShouldBe(7);
        harness.Sink.ContractViolations.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Update_lists_only_the_properties_whose_value_really_changed(bool async)
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        var (seeded, customer) = await SeedTrackedAsync(harness, context);

        customer.Name = "Renamed " + seeded.Name;
        customer.Email = seeded.Email;
        customer.Tier = CustomerTier.Silver;
        await Save(context, async);

        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.Action.ShouldBe(AuditActions.Update);
        auditEvent.ResourceId.ShouldBe(Id(seeded));
        var change = auditEvent.Changes.ShouldHaveSingleItem();
        change.Property.ShouldBe(nameof(Customer.Name));
        change.Old!.GetValue<string>().ShouldBe(seeded.Name);
        change.New!.GetValue<string>().ShouldBe("Renamed " + seeded.Name);
        auditEvent.OldValues!["Name"]!.GetValue<string>().ShouldBe(seeded.Name);
        auditEvent.NewValues!["Name"]!.GetValue<string>().ShouldBe("Renamed " + seeded.Name);
        auditEvent.OldValues.Count.ShouldBe(1);
        auditEvent.NewValues.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Update_events_can_carry_every_value_before_and_after()
    {
        using var harness = new AuditHarness(Database, o =>
        {
            AuditHarness.DefaultOptions(o);
            o.ValuesOnUpdate = AuditedValues.All;
        });
        await using var context = harness.NewContext();
        var (seeded, customer) = await SeedTrackedAsync(harness, context);

        customer.Name = "Renamed " + seeded.Name;
        await context.SaveChangesAsync();

        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.Changes.ShouldHaveSingleItem().Property.ShouldBe(nameof(Customer.Name));
        auditEvent.OldValues!["Email"]!.GetValue<string>().ShouldBe(seeded.Email);
        auditEvent.NewValues!["Email"]!.GetValue<string>().ShouldBe(seeded.Email);
        auditEvent.OldValues["Ssn"]!.GetValue<string>().ShouldBe("*******6789");
        auditEvent.NewValues["Shipping.Line1"]!.GetValue<string>().ShouldBe("1 Quay Street");
        auditEvent.NewValues.ContainsKey("Photo").ShouldBeFalse();
        auditEvent.OldValues.Count.ShouldBe(auditEvent.NewValues.Count);
    }

    [Fact]
    public async Task An_update_with_no_real_change_emits_nothing()
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        var (seeded, customer) = await SeedTrackedAsync(harness, context);

        customer.Name = seeded.Name;
        customer.Address.City = "Paris";
        context.Entry(customer).Property(c => c.Email).IsModified = true;
        await context.SaveChangesAsync();

        harness.Sink.Events.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_change_to_an_ignored_property_alone_emits_nothing()
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        var (seeded, customer) = await SeedTrackedAsync(harness, context);

        customer.Photo = [9, 9, 9];
        await context.SaveChangesAsync();

        harness.Sink.Events.ShouldBeEmpty();
        await using var check = harness.PlainContext();
        (await check.Customers.SingleAsync(c => c.Id == seeded.Id)).Photo.ShouldBe(new byte[] { 9, 9, 9 });
    }

    [Fact]
    public async Task Delete_emits_DELETE_with_the_old_values()
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        var (seeded, customer) = await SeedTrackedAsync(harness, context);

        context.Customers.Remove(customer);
        await context.SaveChangesAsync();

        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.Action.ShouldBe(AuditActions.Delete);
        auditEvent.Severity.ShouldBe(AuditSeverity.High);
        auditEvent.ResourceId.ShouldBe(Id(seeded));
        auditEvent.OldValues!["Name"]!.GetValue<string>().ShouldBe(seeded.Name);
        auditEvent.OldValues["Shipping.Line1"]!.GetValue<string>().ShouldBe("1 Quay Street");
        auditEvent.NewValues.ShouldBeNull();
        auditEvent.Metadata!.ContainsKey("soft").ShouldBeFalse();
    }

    [Fact]
    public async Task Setting_the_soft_delete_flag_is_a_DELETE_marked_soft()
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        var (_, customer) = await SeedTrackedAsync(harness, context);

        customer.IsDeleted = true;
        await context.SaveChangesAsync();

        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.Action.ShouldBe(AuditActions.Delete);
        auditEvent.Severity.ShouldBe(AuditSeverity.High);
        auditEvent.Metadata!["soft"]!.GetValue<bool>().ShouldBeTrue();
        auditEvent.Changes.ShouldHaveSingleItem().Property.ShouldBe(nameof(Customer.IsDeleted));

        customer.IsDeleted = false;
        await context.SaveChangesAsync();
        var restored = harness.Sink.Events[^1];
        restored.Action.ShouldBe(AuditActions.Update);
        restored.Metadata!["restored"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_change_made_by_a_later_SaveChanges_interceptor_is_audited(bool async)
    {
        // The capture is taken when EF Core runs DetectChanges for the save, after the SaveChanges interceptors
        // (unless one of them runs DetectChanges itself), so what a later interceptor changes is in the event.
        using var harness = new AuditHarness(Database);
        var seeded = await Seed(harness);
        var promote = new PromoteToGold();
        await using var context = harness.NewContext(interceptors: promote);
        var customer = await context.Customers.SingleAsync(c => c.Id == seeded.Id);
        promote.Customer = customer;

        await Save(context, async);

        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.Action.ShouldBe(AuditActions.Update);
        var change = auditEvent.Changes.ShouldHaveSingleItem();
        change.Property.ShouldBe(nameof(Customer.Tier));
        change.Old!.GetValue<string>().ShouldBe(nameof(CustomerTier.Silver));
        change.New!.GetValue<string>().ShouldBe(nameof(CustomerTier.Gold));
        customer.Tier.ShouldBe(CustomerTier.Gold);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_automatic_change_detection_the_changes_the_application_detected_are_audited(bool async)
    {
        using var harness = new AuditHarness(Database);
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        context.ChangeTracker.AutoDetectChangesEnabled = false;
        var customer = await context.Customers.SingleAsync(c => c.Id == seeded.Id);

        customer.Name = "Detected " + seeded.Name;
        context.ChangeTracker.DetectChanges();
        await Save(context, async);

        harness.Sink.Events.ShouldHaveSingleItem().Changes.ShouldHaveSingleItem().Property.ShouldBe(nameof(Customer.Name));
    }

    /// <summary>Sets <see cref="Customer"/>'s tier while SaveChanges starts, without running DetectChanges.</summary>
    private sealed class PromoteToGold : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
    {
        public Customer? Customer { get; set; }

        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        {
            Customer!.Tier = CustomerTier.Gold;
            return result;
        }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Customer!.Tier = CustomerTier.Gold;
            return ValueTask.FromResult(result);
        }
    }
}
