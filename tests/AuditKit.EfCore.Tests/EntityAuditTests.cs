using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditKit.EfCore.Tests.Infrastructure;
using AuditKit.EfCore.Tests.Model;
using AuditKit.Masking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuditKit.EfCore.Tests;

/// <summary>
/// The interceptor's behaviour against a real database. Runs once on SQLite and once on PostgreSQL (see the sealed
/// classes at the end). Each test has its own service provider and sink, and its own rows.
/// </summary>
public abstract class EntityAuditTests(ShopDatabase database)
{
    private const string Ssn = "123-45-6789";

    protected ShopDatabase Database { get; } = database;

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
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var customer = await context.Customers.SingleAsync(c => c.Id == seeded.Id);

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
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var customer = await context.Customers.SingleAsync(c => c.Id == seeded.Id);

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
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var customer = await context.Customers.SingleAsync(c => c.Id == seeded.Id);

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
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var customer = await context.Customers.SingleAsync(c => c.Id == seeded.Id);

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
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var customer = await context.Customers.SingleAsync(c => c.Id == seeded.Id);

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
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var customer = await context.Customers.SingleAsync(c => c.Id == seeded.Id);

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

    // ---- Masking ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Sensitive_values_are_masked_in_old_values_new_values_and_changes_alike()
    {
        using var harness = new AuditHarness(Database);
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var customer = await context.Customers.SingleAsync(c => c.Id == seeded.Id);

        customer.Ssn = "987-65-4321";
        customer.TaxId = "TAX-SECOND-VALUE";
        customer.PasswordHash = "pbkdf2-second-hash";
        customer.Address.DoorCode = "DOOR-SECOND";
        customer.Shipping!.PostalCode = "10115";
        customer.Photo = [4, 5, 6];
        await context.SaveChangesAsync();

        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        var changes = auditEvent.Changes!.ToDictionary(c => c.Property);

        // Attribute [AuditSensitive(Partial, 4)].
        auditEvent.OldValues!["Ssn"]!.GetValue<string>().ShouldBe("*******6789");
        auditEvent.NewValues!["Ssn"]!.GetValue<string>().ShouldBe("*******4321");
        changes["Ssn"].Old!.GetValue<string>().ShouldBe("*******6789");
        changes["Ssn"].New!.GetValue<string>().ShouldBe("*******4321");

        // Fluent Mask(c => c.TaxId, MaskStyle.Hash): keyed HMAC, same input gives the same token.
        var masker = new AuditMasker(Options.Create(new AuditMaskingOptions { HmacKey = AuditHarness.HmacKey }));
        var oldToken = masker.Mask("TAX-FIRST-VALUE", MaskStyle.Hash);
        var newToken = masker.Mask("TAX-SECOND-VALUE", MaskStyle.Hash);
        oldToken.ShouldStartWith("hmac:");
        oldToken.ShouldNotBe(newToken);
        auditEvent.OldValues["TaxId"]!.GetValue<string>().ShouldBe(oldToken);
        auditEvent.NewValues["TaxId"]!.GetValue<string>().ShouldBe(newToken);
        changes["TaxId"].Old!.GetValue<string>().ShouldBe(oldToken);
        changes["TaxId"].New!.GetValue<string>().ShouldBe(newToken);

        // Default name pattern ("password").
        auditEvent.OldValues["PasswordHash"]!.GetValue<string>().ShouldBe("***");
        changes["PasswordHash"].New!.GetValue<string>().ShouldBe("***");

        // Attribute on a complex property's member.
        auditEvent.NewValues["Address.DoorCode"]!.GetValue<string>().ShouldBe("***");
        changes["Address.DoorCode"].Old!.GetValue<string>().ShouldBe("***");

        // Fluent Mask(c => c.Shipping!.PostalCode, partial: 2) on an owned type.
        auditEvent.OldValues["Shipping.PostalCode"]!.GetValue<string>().ShouldBe("***01");
        changes["Shipping.PostalCode"].New!.GetValue<string>().ShouldBe("***15");

        // Fluent Ignore(c => c.Photo).
        auditEvent.OldValues.ContainsKey("Photo").ShouldBeFalse();
        auditEvent.NewValues.ContainsKey("Photo").ShouldBeFalse();
        changes.ContainsKey("Photo").ShouldBeFalse();

        var json = JsonSerializer.Serialize(auditEvent, AuditJsonContext.Default.AuditEvent);
        foreach (var clear in new[] { Ssn, "987-65-4321", "TAX-FIRST-VALUE", "TAX-SECOND-VALUE", "pbkdf2-first-hash", "pbkdf2-second-hash", "DOOR-FIRST", "DOOR-SECOND", "75001", "10115" })
        {
            json.ShouldNotContain(clear);
        }
    }

    [Fact]
    public async Task Equal_values_masked_with_hash_give_equal_tokens_across_entities()
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        var first = NewCustomer();
        var second = NewCustomer();
        var third = NewCustomer();
        first.TaxId = second.TaxId = "SHARED-TAX-ID";
        third.TaxId = "OTHER-TAX-ID";
        context.Customers.AddRange(first, second, third);
        await context.SaveChangesAsync();

        var tokens = harness.Sink.Events.Select(e => e.NewValues!["TaxId"]!.GetValue<string>()).ToList();
        tokens.Count.ShouldBe(3);
        tokens[0].ShouldBe(tokens[1]);
        tokens[2].ShouldNotBe(tokens[0]);
        tokens.ShouldAllBe(t => t.StartsWith("hmac:", StringComparison.Ordinal));
    }

    // ---- Model shapes -------------------------------------------------------------------------------------------

    [Fact]
    public async Task Complex_property_changes_use_dotted_paths()
    {
        using var harness = new AuditHarness(Database);
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var customer = await context.Customers.SingleAsync(c => c.Id == seeded.Id);

        customer.Address.City = "Lyon";
        await context.SaveChangesAsync();

        var change = harness.Sink.Events.ShouldHaveSingleItem().Changes.ShouldHaveSingleItem();
        change.Property.ShouldBe("Address.City");
        change.Old!.GetValue<string>().ShouldBe("Paris");
        change.New!.GetValue<string>().ShouldBe("Lyon");
    }

    [Fact]
    public async Task An_owned_type_change_is_reported_on_its_owner_with_a_dotted_path()
    {
        using var harness = new AuditHarness(Database);
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var customer = await context.Customers.SingleAsync(c => c.Id == seeded.Id);

        customer.Shipping!.Line1 = "2 Dock Road";
        await context.SaveChangesAsync();

        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.ResourceType.ShouldBe(nameof(Customer));
        auditEvent.ResourceId.ShouldBe(Id(seeded));
        auditEvent.Action.ShouldBe(AuditActions.Update);
        var change = auditEvent.Changes.ShouldHaveSingleItem();
        change.Property.ShouldBe("Shipping.Line1");
        change.Old!.GetValue<string>().ShouldBe("1 Quay Street");
        change.New!.GetValue<string>().ShouldBe("2 Dock Road");
        auditEvent.NewValues!["Shipping.Line1"]!.GetValue<string>().ShouldBe("2 Dock Road");
        auditEvent.NewValues.ContainsKey("Name").ShouldBeFalse();
    }

    [Fact]
    public async Task Removing_an_owned_dependent_reports_its_values_going_to_null()
    {
        using var harness = new AuditHarness(Database);
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var customer = await context.Customers.SingleAsync(c => c.Id == seeded.Id);

        customer.Shipping = null;
        await context.SaveChangesAsync();

        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.Action.ShouldBe(AuditActions.Update);
        var changes = auditEvent.Changes!.ToDictionary(c => c.Property);
        changes["Shipping.Line1"].Old!.GetValue<string>().ShouldBe("1 Quay Street");
        changes["Shipping.Line1"].New.ShouldBeNull();
        changes["Shipping.PostalCode"].Old!.GetValue<string>().ShouldBe("***01");
    }

    [Fact]
    public async Task Owned_collection_elements_are_named_by_their_key()
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        var invoice = new Invoice { Number = Unique("INV") };
        invoice.Items.Add(new InvoiceItem { LineNo = 1, Sku = "SKU-1", Price = 10m });
        invoice.Items.Add(new InvoiceItem { LineNo = 2, Sku = "SKU-2", Price = 20m });
        context.Invoices.Add(invoice);
        await context.SaveChangesAsync();

        var created = harness.Sink.Events.ShouldHaveSingleItem();
        created.ResourceType.ShouldBe(nameof(Invoice));
        created.NewValues!["Items[1].Sku"]!.GetValue<string>().ShouldBe("SKU-1");
        created.NewValues["Items[2].Sku"]!.GetValue<string>().ShouldBe("SKU-2");

        invoice.Items[1].Price = 25m;
        await context.SaveChangesAsync();

        var updated = harness.Sink.Events[^1];
        updated.Action.ShouldBe(AuditActions.Update);
        var change = updated.Changes.ShouldHaveSingleItem();
        change.Property.ShouldBe("Items[2].Price");
        change.Old!.GetValue<decimal>().ShouldBe(20m);
        change.New!.GetValue<decimal>().ShouldBe(25m);
    }

    [Fact]
    public async Task A_complex_collection_is_one_JSON_array_with_its_elements_masked()
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        var basket = new Basket
        {
            Label = Unique("basket"),
            Items = [new BasketItem { Sku = "A", Quantity = 1, GiftMessage = "Happy birthday Ann" }, new BasketItem { Sku = "B", Quantity = 2 }],
        };
        context.Baskets.Add(basket);
        await context.SaveChangesAsync();

        var created = harness.Sink.Events.ShouldHaveSingleItem();
        var items = created.NewValues!["Items"]!.AsArray();
        items.Count.ShouldBe(2);
        items[0]!["Sku"]!.GetValue<string>().ShouldBe("A");
        items[0]!["GiftMessage"]!.GetValue<string>().ShouldBe("***");

        basket.Items[1].Quantity = 5;
        await context.SaveChangesAsync();

        var updated = harness.Sink.Events[^1];
        var change = updated.Changes.ShouldHaveSingleItem();
        change.Property.ShouldBe("Items");
        change.Old!.AsArray()[1]!["Quantity"]!.GetValue<int>().ShouldBe(2);
        change.New!.AsArray()[1]!["Quantity"]!.GetValue<int>().ShouldBe(5);
        JsonSerializer.Serialize(updated, AuditJsonContext.Default.AuditEvent).ShouldNotContain("Happy birthday");

        basket.Items[0].Quantity = 1;
        await context.SaveChangesAsync();
        harness.Sink.Events.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Many_to_many_join_rows_are_association_events()
    {
        using var harness = new AuditHarness(Database);
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var customer = await context.Customers.Include(c => c.Tags).SingleAsync(c => c.Id == seeded.Id);
        var tag = new Tag { Label = Unique("vip") };
        customer.Tags.Add(tag);
        await context.SaveChangesAsync();

        var events = harness.Sink.Events;
        events.Count.ShouldBe(2);
        events.ShouldContain(e => e.ResourceType == nameof(Tag) && e.Action == AuditActions.Create);
        var link = events.Single(e => e.ResourceType == "CustomerTag");
        link.Action.ShouldBe(AuditActions.Create);
        link.Metadata!["association"]!.GetValue<bool>().ShouldBeTrue();
        var key = JsonNode.Parse(link.ResourceId!)!.AsObject();
        key["CustomersId"]!.GetValue<int>().ShouldBe(seeded.Id);
        key["TagsId"]!.GetValue<int>().ShouldBe(tag.Id);
        tag.Id.ShouldBeGreaterThan(0);

        customer.Tags.Remove(tag);
        await context.SaveChangesAsync();

        var unlink = harness.Sink.Events.Where(e => e.ResourceType == "CustomerTag" && e.Action == AuditActions.Delete).ShouldHaveSingleItem();
        unlink.ResourceId.ShouldBe(link.ResourceId);
        harness.Sink.Events.Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_composite_key_is_a_JSON_object_in_resource_id()
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        var orderId = Random.Shared.Next(1, int.MaxValue);
        context.OrderLines.Add(new OrderLine { OrderId = orderId, LineNo = 2, Product = "Widget", Quantity = 3 });
        await context.SaveChangesAsync();

        var key = JsonNode.Parse(harness.Sink.Events.ShouldHaveSingleItem().ResourceId!)!.AsObject();
        key["OrderId"]!.GetValue<int>().ShouldBe(orderId);
        key["LineNo"]!.GetValue<int>().ShouldBe(2);
        key.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Inheritance_reports_the_concrete_type_and_its_table()
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        var dog = new Dog { Name = Unique("Rex"), GoodBoy = true };
        var car = new Car { Plate = Unique("AB"), Doors = 5 };
        context.Animals.Add(dog);
        context.Vehicles.Add(car);
        await context.SaveChangesAsync();

        var dogEvent = harness.Sink.Events.Single(e => e.ResourceType == nameof(Dog));
        dogEvent.Metadata!["table"]!.GetValue<string>().ShouldBe("Animals");
        dogEvent.NewValues!["GoodBoy"]!.GetValue<bool>().ShouldBeTrue();
        dogEvent.NewValues.ContainsKey("Kind").ShouldBeFalse();

        var carEvent = harness.Sink.Events.Single(e => e.ResourceType == nameof(Car));
        carEvent.Metadata!["table"]!.GetValue<string>().ShouldBe("Cars");
        carEvent.NewValues!["Plate"]!.GetValue<string>().ShouldBe(car.Plate);
        carEvent.NewValues["Doors"]!.GetValue<int>().ShouldBe(5);
        carEvent.ResourceId.ShouldBe(car.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Shadow_properties_are_recorded()
    {
        using var harness = new AuditHarness(Database);
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var customer = await context.Customers.SingleAsync(c => c.Id == seeded.Id);

        context.Entry(customer).Property(ShopContext.LastTouchedBy).CurrentValue = "ops-team";
        await context.SaveChangesAsync();

        var change = harness.Sink.Events.ShouldHaveSingleItem().Changes.ShouldHaveSingleItem();
        change.Property.ShouldBe(ShopContext.LastTouchedBy);
        change.Old.ShouldBeNull();
        change.New!.GetValue<string>().ShouldBe("ops-team");
    }

    [Fact]
    public async Task Values_behind_value_converters_are_model_values()
    {
        using var harness = new AuditHarness(Database);
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var customer = await context.Customers.SingleAsync(c => c.Id == seeded.Id);

        customer.Tier = CustomerTier.Gold;
        customer.Credit = new Money(12.5m, "EUR");
        await context.SaveChangesAsync();

        var changes = harness.Sink.Events.ShouldHaveSingleItem().Changes!.ToDictionary(c => c.Property);
        changes["Tier"].Old!.GetValue<string>().ShouldBe("Silver");
        changes["Tier"].New!.GetValue<string>().ShouldBe("Gold");
        var credit = changes["Credit"].New!.AsObject();
        credit["amount"]!.GetValue<decimal>().ShouldBe(12.5m);
        credit["currency"]!.GetValue<string>().ShouldBe("EUR");
    }

    [Fact]
    public async Task A_concurrency_token_change_is_listed_and_a_conflict_is_one_FAILURE()
    {
        using var harness = new AuditHarness(Database);
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var customer = await context.Customers.SingleAsync(c => c.Id == seeded.Id);

        customer.Name = "First " + seeded.Name;
        customer.Version++;
        await context.SaveChangesAsync();
        harness.Sink.Events.ShouldHaveSingleItem().Changes!.Select(c => c.Property).ShouldBe(["Name", "Version"], ignoreOrder: true);

        await using (var other = harness.PlainContext())
        {
            var concurrent = await other.Customers.SingleAsync(c => c.Id == seeded.Id);
            concurrent.Version++;
            await other.SaveChangesAsync();
        }

        customer.Name = "Second " + seeded.Name;
        customer.Version++;
        await Should.ThrowAsync<DbUpdateConcurrencyException>(() => context.SaveChangesAsync());

        harness.Sink.Events.Count.ShouldBe(2);
        var failure = harness.Sink.Events[^1];
        failure.Status.ShouldBe(AuditStatus.Failure);
        failure.Action.ShouldBe(AuditActions.Update);
        failure.ResourceId.ShouldBe(Id(seeded));
        failure.ErrorCode.ShouldBe(nameof(DbUpdateConcurrencyException));
    }

    // ---- Only committed work ------------------------------------------------------------------------------------

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_save_emits_one_FAILURE_and_no_change_events(bool async)
    {
        using var harness = new AuditHarness(Database);
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var duplicate = NewCustomer();
        duplicate.Email = seeded.Email;
        context.Customers.Add(duplicate);
        context.Tags.Add(new Tag { Label = Unique("t") });

        await Should.ThrowAsync<DbUpdateException>(() => Save(context, async));

        var failure = harness.Sink.Events.ShouldHaveSingleItem();
        failure.Status.ShouldBe(AuditStatus.Failure);
        failure.Severity.ShouldBe(AuditSeverity.High);
        failure.Action.ShouldBe("SAVE_CHANGES");
        failure.Metadata!["entities"]!.AsArray().ShouldAllBe(e => e!["id"] == null, "keys the database never assigned are not reported");
        failure.ErrorMessage.ShouldNotBeNullOrWhiteSpace();
        failure.ErrorCode.ShouldNotBeNullOrWhiteSpace();
        failure.Metadata!["entity_count"]!.GetValue<int>().ShouldBe(2);
        failure.Changes.ShouldBeNull();
        failure.NewValues.ShouldBeNull();
        harness.Sink.ContractViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task Failure_events_can_be_turned_off()
    {
        using var harness = new AuditHarness(Database, o => o.RecordFailedSaves = false);
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var duplicate = NewCustomer();
        duplicate.Email = seeded.Email;
        context.Customers.Add(duplicate);

        await Should.ThrowAsync<DbUpdateException>(() => context.SaveChangesAsync());

        harness.Sink.Events.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Inside_a_transaction_events_wait_for_the_commit(bool async)
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        await using var transaction = async ? await context.Database.BeginTransactionAsync() : context.Database.BeginTransaction();

        context.Customers.Add(NewCustomer());
        await Save(context, async);
        context.Customers.Add(NewCustomer());
        await Save(context, async);
        harness.Sink.Events.ShouldBeEmpty();

        if (async)
        {
            await transaction.CommitAsync();
        }
        else
        {
            transaction.Commit();
        }

        harness.Sink.Events.Count.ShouldBe(2);
        harness.Sink.Events.ShouldAllBe(e => e.Action == AuditActions.Create);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Events_of_a_rolled_back_transaction_are_discarded(bool async)
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            context.Customers.Add(NewCustomer());
            await Save(context, async);
            if (async)
            {
                await transaction.RollbackAsync();
            }
            else
            {
                transaction.Rollback();
            }
        }

        harness.Sink.Events.ShouldBeEmpty();

        context.ChangeTracker.Clear();
        var later = NewCustomer();
        context.Customers.Add(later);
        await Save(context, async);
        harness.Sink.Events.ShouldHaveSingleItem().NewValues!["Name"]!.GetValue<string>().ShouldBe(later.Name);
    }

    [Fact]
    public async Task A_transaction_disposed_without_commit_emits_nothing()
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        await using (await context.Database.BeginTransactionAsync())
        {
            context.Customers.Add(NewCustomer());
            await context.SaveChangesAsync();
        }

        context.ChangeTracker.Clear();
        var later = NewCustomer();
        context.Customers.Add(later);
        await context.SaveChangesAsync();

        harness.Sink.Events.ShouldHaveSingleItem().NewValues!["Name"]!.GetValue<string>().ShouldBe(later.Name);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Rolling_back_to_a_savepoint_discards_only_the_work_after_it(bool async)
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        await using var transaction = await context.Database.BeginTransactionAsync();
        var kept = NewCustomer();
        var undone = NewCustomer();
        var after = NewCustomer();

        context.Customers.Add(kept);
        await Save(context, async);
        if (async)
        {
            await transaction.CreateSavepointAsync("before_undone");
        }
        else
        {
            transaction.CreateSavepoint("before_undone");
        }

        context.Customers.Add(undone);
        await Save(context, async);
        if (async)
        {
            await transaction.RollbackToSavepointAsync("before_undone");
        }
        else
        {
            transaction.RollbackToSavepoint("before_undone");
        }

        // The database forgot the row (and may hand its key out again); the change tracker has to be told.
        context.Entry(undone).State = EntityState.Detached;

        context.Customers.Add(after);
        await Save(context, async);
        await transaction.CommitAsync();

        harness.Sink.Events.Select(e => e.NewValues!["Name"]!.GetValue<string>()).ShouldBe([kept.Name, after.Name]);
        await using var check = harness.PlainContext();
        (await check.Customers.AnyAsync(c => c.Email == undone.Email)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_failed_save_inside_a_transaction_keeps_the_earlier_work_of_the_transaction()
    {
        using var harness = new AuditHarness(Database);
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        await using var transaction = await context.Database.BeginTransactionAsync();
        var good = NewCustomer();
        context.Customers.Add(good);
        await context.SaveChangesAsync();

        var duplicate = NewCustomer();
        duplicate.Email = seeded.Email;
        context.Customers.Add(duplicate);
        await Should.ThrowAsync<DbUpdateException>(() => context.SaveChangesAsync());
        context.Entry(duplicate).State = EntityState.Detached;

        harness.Sink.Events.ShouldHaveSingleItem().Status.ShouldBe(AuditStatus.Failure);
        await transaction.CommitAsync();

        harness.Sink.Events.Count.ShouldBe(2);
        harness.Sink.Events[^1].Action.ShouldBe(AuditActions.Create);
        harness.Sink.Events[^1].NewValues!["Name"]!.GetValue<string>().ShouldBe(good.Name);
    }

    [Fact]
    public async Task Execution_strategy_retries_do_not_duplicate_events()
    {
        using var harness = new AuditHarness(Database);
        var flaky = new FlakyCommands(failures: 1);
        await using var context = harness.NewContext(retrying: true, flaky);
        context.Customers.Add(NewCustomer());

        await context.SaveChangesAsync();

        flaky.Failed.ShouldBe(1);
        harness.Sink.Events.ShouldHaveSingleItem().Action.ShouldBe(AuditActions.Create);
    }

    [Fact]
    public async Task A_retried_transaction_emits_the_events_of_the_attempt_that_committed_only()
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext(retrying: true);
        var tag = new Tag { Label = Unique("retried") };
        context.Tags.Add(tag);
        var attempts = 0;

        await context.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await context.Database.BeginTransactionAsync();
            await context.SaveChangesAsync(acceptAllChangesOnSuccess: false);
            if (++attempts == 1)
            {
                throw new TransientTestException();
            }

            await transaction.CommitAsync();
        });
        context.ChangeTracker.AcceptAllChanges();

        attempts.ShouldBe(2);
        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.ResourceId.ShouldBe(tag.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    // ---- Bulk commands ------------------------------------------------------------------------------------------

    [Fact]
    public async Task ExecuteUpdate_is_a_bulk_event_with_rows_affected_and_masked_SQL()
    {
        using var harness = new AuditHarness(Database);
        var marker = Unique("bulk");
        await Seed(harness, marker + "-a");
        await Seed(harness, marker + "-b");
        await Seed(harness, marker + "-c");
        await using var context = harness.NewContext();
        var newSsn = "555-44-3333";

        var rows = await context.Customers
            .Where(c => c.Name.StartsWith(marker) && c.Email != "literal-secret@example.com")
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Ssn, newSsn).SetProperty(c => c.Tier, CustomerTier.Gold));

        rows.ShouldBe(3);
        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.Source.ShouldBe(AuditSources.Bulk);
        auditEvent.Action.ShouldBe(AuditActions.Update);
        auditEvent.ResourceType.ShouldBe(nameof(Customer));
        auditEvent.Severity.ShouldBe(AuditSeverity.High);
        var metadata = auditEvent.Metadata!;
        metadata["operation"]!.GetValue<string>().ShouldBe("ExecuteUpdate");
        metadata["table"]!.GetValue<string>().ShouldBe("Customers");
        metadata["rows_affected"]!.GetValue<int>().ShouldBe(3);
        metadata["columns"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldContain("Ssn");
        var sql = metadata["sql"]!.GetValue<string>();
        sql.ShouldContain("UPDATE");
        sql.ShouldNotContain("literal-secret");
        var parameters = metadata["parameters"]!.AsObject();
        parameters.Count.ShouldBeGreaterThan(0);
        parameters.Select(p => p.Value?.GetValue<string>()).ShouldAllBe(value => value == null || value == "***");
        var json = JsonSerializer.Serialize(auditEvent, AuditJsonContext.Default.AuditEvent);
        json.ShouldNotContain(newSsn);
        json.ShouldNotContain(marker);
    }

    [Fact]
    public async Task ExecuteDelete_is_a_bulk_DELETE_with_rows_affected()
    {
        using var harness = new AuditHarness(Database);
        var marker = Unique("gone");
        await Seed(harness, marker + "-a");
        await Seed(harness, marker + "-b");
        await using var context = harness.NewContext();

        await context.Customers.Where(c => c.Name.StartsWith(marker)).ExecuteDeleteAsync();

        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.Source.ShouldBe(AuditSources.Bulk);
        auditEvent.Action.ShouldBe(AuditActions.Delete);
        auditEvent.Metadata!["rows_affected"]!.GetValue<int>().ShouldBe(2);
        auditEvent.Metadata["operation"]!.GetValue<string>().ShouldBe("ExecuteDelete");
    }

    [Fact]
    public async Task A_bulk_command_in_a_rolled_back_transaction_emits_nothing()
    {
        using var harness = new AuditHarness(Database);
        var marker = Unique("kept");
        await Seed(harness, marker);
        await using var context = harness.NewContext();
        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            (await context.Customers.Where(c => c.Name.StartsWith(marker)).ExecuteDeleteAsync()).ShouldBe(1);
            await transaction.RollbackAsync();
        }

        harness.Sink.Events.ShouldBeEmpty();

        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            await context.Customers.Where(c => c.Name.StartsWith(marker)).ExecuteDeleteAsync();
            harness.Sink.Events.ShouldBeEmpty();
            await transaction.CommitAsync();
        }

        harness.Sink.Events.ShouldHaveSingleItem().Source.ShouldBe(AuditSources.Bulk);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Bulk_commands_are_seen_without_a_command_interceptor_sync_and_async(bool async)
    {
        using var harness = new AuditHarness(Database);
        var marker = Unique("seen");
        await Seed(harness, marker + "-a");
        await Seed(harness, marker + "-b");
        await using var context = harness.NewContext();
        context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!.Interceptors!
            .ShouldNotContain(i => i is IDbCommandInterceptor);

        var updated = async
            ? await context.Customers.Where(c => c.Name.StartsWith(marker)).ExecuteUpdateAsync(s => s.SetProperty(c => c.Tier, CustomerTier.Gold))
            : context.Customers.Where(c => c.Name.StartsWith(marker)).ExecuteUpdate(s => s.SetProperty(c => c.Tier, CustomerTier.Gold));
        var deleted = async
            ? await context.Customers.Where(c => c.Name == marker + "-a").ExecuteDeleteAsync()
            : context.Customers.Where(c => c.Name == marker + "-a").ExecuteDelete();

        (updated, deleted).ShouldBe((2, 1));
        harness.Sink.Events.Select(e => (e.Source, e.Action, e.Metadata!["rows_affected"]!.GetValue<int>()))
            .ShouldBe([(AuditSources.Bulk, AuditActions.Update, 2), (AuditSources.Bulk, AuditActions.Delete, 1)]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_bulk_command_waits_for_the_commit_and_is_dropped_on_rollback_sync_and_async(bool async)
    {
        using var harness = new AuditHarness(Database);
        var marker = Unique("held");
        await Seed(harness, marker);
        await using var context = harness.NewContext();

        using (var transaction = context.Database.BeginTransaction())
        {
            var rows = async
                ? await context.Customers.Where(c => c.Name == marker).ExecuteUpdateAsync(s => s.SetProperty(c => c.Rank, 1))
                : context.Customers.Where(c => c.Name == marker).ExecuteUpdate(s => s.SetProperty(c => c.Rank, 1));
            rows.ShouldBe(1);
            if (async)
            {
                await transaction.RollbackAsync();
            }
            else
            {
                transaction.Rollback();
            }
        }

        harness.Sink.Events.ShouldBeEmpty();

        using (var transaction = context.Database.BeginTransaction())
        {
            var rows = async
                ? await context.Customers.Where(c => c.Name == marker).ExecuteUpdateAsync(s => s.SetProperty(c => c.Rank, 2))
                : context.Customers.Where(c => c.Name == marker).ExecuteUpdate(s => s.SetProperty(c => c.Rank, 2));
            rows.ShouldBe(1);
            harness.Sink.Events.ShouldBeEmpty();
            if (async)
            {
                await transaction.CommitAsync();
            }
            else
            {
                transaction.Commit();
            }
        }

        harness.Sink.Events.ShouldHaveSingleItem().Source.ShouldBe(AuditSources.Bulk);
    }

    [Fact]
    public async Task A_bulk_command_right_after_a_failed_command_is_still_seen()
    {
        // EF Core stops asking its diagnostic listeners for a while after a command that no one listened to; a
        // failed command must not open such a gap.
        using var harness = new AuditHarness(Database);
        var marker = Unique("after-failure");
        await Seed(harness, marker);
        await using var context = harness.NewContext();

        await Should.ThrowAsync<Exception>(() => context.Database.ExecuteSqlRawAsync("UPDATE no_such_table SET x = 1"));
        Should.Throw<Exception>(() => context.Database.ExecuteSqlRaw("UPDATE no_such_table SET x = 1"));
        (await context.Customers.Where(c => c.Name == marker).ExecuteDeleteAsync()).ShouldBe(1);

        harness.Sink.Events.ShouldHaveSingleItem().Source.ShouldBe(AuditSources.Bulk);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_bulk_command_right_after_SaveChanges_and_a_query_is_seen(bool async)
    {
        // SaveChanges' commands are left to EF Core's "nobody listens" pause; the bulk command that follows at once
        // must not fall in it.
        using var harness = new AuditHarness(Database);
        var marker = Unique("right-after");
        await using var context = harness.NewContext();
        context.Customers.Add(NewCustomer(marker));
        context.Customers.Add(NewCustomer(marker + "-kept"));

        await Save(context, async);
        (await context.Customers.CountAsync(c => c.Name.StartsWith(marker))).ShouldBe(2);
        var rows = async
            ? await context.Customers.Where(c => c.Name == marker).ExecuteDeleteAsync()
            : context.Customers.Where(c => c.Name == marker).ExecuteDelete();

        rows.ShouldBe(1);
        harness.Sink.Events.Select(e => e.Source).ShouldBe([AuditSources.EfCore, AuditSources.EfCore, AuditSources.Bulk]);
    }

    [Fact]
    public async Task A_retried_bulk_command_emits_one_event()
    {
        using var harness = new AuditHarness(Database);
        var marker = Unique("retried-bulk");
        await Seed(harness, marker);
        var flaky = new FlakyCommands(failures: 1, CommandSource.ExecuteDelete);
        await using var context = harness.NewContext(retrying: true, flaky);

        (await context.Customers.Where(c => c.Name == marker).ExecuteDeleteAsync()).ShouldBe(1);

        flaky.Failed.ShouldBe(1);
        harness.Sink.Events.ShouldHaveSingleItem().Metadata!["rows_affected"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task Contexts_without_auditing_are_never_audited_whatever_their_type()
    {
        using var harness = new AuditHarness(Database);
        var marker = Unique("plain");
        await Seed(harness, marker + "-a");
        await Seed(harness, marker + "-b");
        await using (var audited = harness.NewContext())
        {
            (await audited.Customers.Where(c => c.Name == marker + "-a").ExecuteDeleteAsync()).ShouldBe(1);
            audited.GetService<IRelationalCommandDiagnosticsLogger>().ShouldBeOfType<AuditingCommandDiagnosticsLogger>();
        }

        await using (var plain = harness.PlainContext())
        {
            (await plain.Customers.Where(c => c.Name == marker + "-b").ExecuteDeleteAsync()).ShouldBe(1);
            plain.GetService<IRelationalCommandDiagnosticsLogger>().ShouldNotBeOfType<AuditingCommandDiagnosticsLogger>();
            BulkCommandListener.IsObserved(plain.GetService<DiagnosticSource>()).ShouldBeFalse();
        }

        var orderId = Random.Shared.Next(1, int.MaxValue);
        var builder = new DbContextOptionsBuilder<OrderBookContext>();
        Database.Configure(builder);
        await using (var other = new OrderBookContext(builder.Options))
        {
            other.OrderLines.Add(new OrderLine { OrderId = orderId, LineNo = 1, Product = "p" });
            await other.SaveChangesAsync();
            (await other.OrderLines.Where(l => l.OrderId == orderId).ExecuteUpdateAsync(s => s.SetProperty(l => l.Quantity, 2))).ShouldBe(1);
            (await other.OrderLines.Where(l => l.OrderId == orderId).ExecuteDeleteAsync()).ShouldBe(1);
        }

        harness.Sink.Events.ShouldHaveSingleItem().Metadata!["rows_affected"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task Audited_contexts_with_different_options_each_reach_their_own_auditor()
    {
        using var first = new AuditHarness(Database);
        using var second = new AuditHarness(Database, o => o.Exclude<Tag>());
        var marker = Unique("own");
        await Seed(first, marker + "-1");
        await Seed(first, marker + "-2");
        await using var firstContext = first.NewContext();
        await using var secondContext = second.NewContext();

        (await firstContext.Customers.Where(c => c.Name == marker + "-1").ExecuteDeleteAsync()).ShouldBe(1);
        (await secondContext.Customers.Where(c => c.Name == marker + "-2").ExecuteDeleteAsync()).ShouldBe(1);
        await secondContext.Tags.Where(t => t.Label == marker).ExecuteDeleteAsync();
        await firstContext.Tags.Where(t => t.Label == marker).ExecuteDeleteAsync();

        // One EF Core service provider serves both; the auditor comes from each context's options.
        secondContext.GetService<DiagnosticSource>().ShouldBeSameAs(firstContext.GetService<DiagnosticSource>());
        first.Sink.Events.Select(e => e.ResourceType).ShouldBe([nameof(Customer), nameof(Tag)]);
        second.Sink.Events.ShouldHaveSingleItem().ResourceType.ShouldBe(nameof(Customer));
    }

    [Fact]
    public async Task Bulk_commands_on_excluded_entities_emit_nothing()
    {
        using var harness = new AuditHarness(Database, o => o.Exclude<Tag>());
        await using var context = harness.NewContext();
        var label = Unique("none");

        await context.Tags.Where(t => t.Label == label).ExecuteDeleteAsync();

        harness.Sink.Events.ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_bulk_capture_no_command_interceptor_is_registered()
    {
        using var harness = new AuditHarness(Database, o => o.CaptureBulkOperations = false);
        harness.Services.GetAuditingInterceptors().ShouldNotContain(i => i is IDbCommandInterceptor);
        var marker = Unique("unseen");
        await Seed(harness, marker);
        await using var context = harness.NewContext();
        context.GetService<IDbContextOptions>().FindExtension<AuditingOptionsExtension>().ShouldBeNull();
        context.GetService<IRelationalCommandDiagnosticsLogger>().ShouldNotBeOfType<AuditingCommandDiagnosticsLogger>();
        BulkCommandListener.IsObserved(context.GetService<DiagnosticSource>()).ShouldBeFalse();

        (await context.Customers.Where(c => c.Name.StartsWith(marker)).ExecuteDeleteAsync()).ShouldBe(1);

        harness.Sink.Events.ShouldBeEmpty();
    }

    // ---- Entities attached with Update() ------------------------------------------------------------------------

    [Fact]
    public async Task An_entity_attached_with_Update_is_diffed_against_reloaded_database_values_when_asked()
    {
        using var harness = new AuditHarness(Database, o =>
        {
            AuditHarness.DefaultOptions(o);
            o.ReloadDatabaseValuesForUpdatedEntities = true;
        });
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

        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.Action.ShouldBe(AuditActions.Update);
        auditEvent.OldValues.ShouldBeNull();
        auditEvent.Changes.ShouldBeNull();
        auditEvent.NewValues!["Name"]!.GetValue<string>().ShouldBe(detached.Name);
        auditEvent.NewValues["Ssn"]!.GetValue<string>().ShouldBe("*******6789");
        auditEvent.Metadata!["original_values_known"]!.GetValue<bool>().ShouldBeFalse();
    }

    // ---- Who, tenant and trace ----------------------------------------------------------------------------------

    [Fact]
    public async Task The_trace_id_comes_from_the_current_activity()
    {
        using var harness = new AuditHarness(Database);
        using var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        await using var context = harness.NewContext();
        context.Customers.Add(NewCustomer());
        await context.SaveChangesAsync();

        harness.Sink.Events.ShouldHaveSingleItem().TraceId.ShouldBe(activity.TraceId.ToHexString());
    }

    [Fact]
    public async Task User_tenant_and_trace_come_from_the_ambient_audit_context()
    {
        using var harness = new AuditHarness(Database);
        using var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        var accessor = new AuditContextAccessor();
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var scope = accessor.BeginScope(new AuditContext
        {
            UserId = "u-42",
            Username = "alice",
            UserEmail = "alice@example.com",
            TenantId = "tenant-a",
            TraceId = traceId,
            RequestId = "req-7",
        });
        await using var context = harness.NewContext();
        context.Customers.Add(NewCustomer());
        await context.SaveChangesAsync();

        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.UserId.ShouldBe("u-42");
        auditEvent.Username.ShouldBe("alice");
        auditEvent.UserEmail.ShouldBe("alice@example.com");
        auditEvent.TenantId.ShouldBe("tenant-a");
        auditEvent.TraceId.ShouldBe(traceId);
        auditEvent.RequestId.ShouldBe("req-7");
    }

    // ---- Entity selection ---------------------------------------------------------------------------------------

    [Fact]
    public async Task Excluded_entities_are_not_audited()
    {
        using var harness = new AuditHarness(Database, o => o.Exclude<Tag>());
        await using var context = harness.NewContext();
        context.Tags.Add(new Tag { Label = Unique("x") });
        context.Customers.Add(NewCustomer());
        await context.SaveChangesAsync();

        harness.Sink.Events.ShouldHaveSingleItem().ResourceType.ShouldBe(nameof(Customer));
    }

    [Fact]
    public async Task In_opt_in_mode_only_included_entities_are_audited()
    {
        using var harness = new AuditHarness(Database, o =>
        {
            o.Selection = EntitySelection.OnlyIncluded;
            o.Include<Tag>();
        });
        await using var context = harness.NewContext();
        context.Tags.Add(new Tag { Label = Unique("x") });
        context.Customers.Add(NewCustomer());
        context.OrderLines.Add(new OrderLine { OrderId = Random.Shared.Next(1, int.MaxValue), LineNo = 1, Product = "p" });
        await context.SaveChangesAsync();

        harness.Sink.Events.ShouldHaveSingleItem().ResourceType.ShouldBe(nameof(Tag));
    }

    // ---- Helpers ------------------------------------------------------------------------------------------------

    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    protected static Customer NewCustomer(string? name = null)
    {
        var unique = Guid.NewGuid().ToString("N");
        return new Customer
        {
            Name = name ?? "Customer " + unique[..8],
            Email = unique + "@example.com",
            Ssn = Ssn,
            PasswordHash = "pbkdf2-first-hash",
            TaxId = "TAX-FIRST-VALUE",
            Photo = [1, 2, 3],
            Tier = CustomerTier.Silver,
            Credit = new Money(5m, "EUR"),
            Address = new Address { Street = "1 Main Street", City = "Paris", DoorCode = "DOOR-FIRST" },
            Shipping = new ShippingAddress { Line1 = "1 Quay Street", PostalCode = "75001" },
        };
    }

    /// <summary>Inserts a customer without auditing and returns it (detached).</summary>
    protected static async Task<Customer> Seed(AuditHarness harness, string? name = null)
    {
        await using var context = harness.PlainContext();
        var customer = NewCustomer(name);
        context.Customers.Add(customer);
        await context.SaveChangesAsync();
        return customer;
    }

    protected static string Id(Customer customer) => customer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    protected static Task Save(DbContext context, bool async)
        => async ? context.SaveChangesAsync() : Task.FromResult(context.SaveChanges());
}

public sealed class SqliteEntityAuditTests(SqliteShopDatabase database)
    : EntityAuditTests(database), IClassFixture<SqliteShopDatabase>;

public sealed class PostgresEntityAuditTests(PostgresShopDatabase database)
    : EntityAuditTests(database), IClassFixture<PostgresShopDatabase>
{
    // Npgsql enlists in System.Transactions; SQLite's provider does not, so this runs on PostgreSQL only.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Inside_a_TransactionScope_events_wait_for_the_scope_to_complete(bool complete)
    {
        using var harness = new AuditHarness(Database);
        using (var scope = new System.Transactions.TransactionScope(System.Transactions.TransactionScopeAsyncFlowOption.Enabled))
        {
            await using var context = harness.NewContext();
            context.Customers.Add(NewCustomer());
            await context.SaveChangesAsync();
            harness.Sink.Events.ShouldBeEmpty();
            if (complete)
            {
                scope.Complete();
            }
        }

        harness.Sink.Events.Count.ShouldBe(complete ? 1 : 0);
    }
}
