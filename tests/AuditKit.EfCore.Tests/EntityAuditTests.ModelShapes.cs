using System.Text.Json.Nodes;

namespace AuditKit.EfCore.Tests;

public abstract partial class EntityAuditTests
{
    // ---- Model shapes -------------------------------------------------------------------------------------------

    [Fact]
    public async Task Complex_property_changes_use_dotted_paths()
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        var (_, customer) = await SeedTrackedAsync(harness, context);

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
        await using var context = harness.NewContext();
        var (seeded, customer) = await SeedTrackedAsync(harness, context);

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
        await using var context = harness.NewContext();
        var (_, customer) = await SeedTrackedAsync(harness, context);

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
        await using var context = harness.NewContext();
        var (_, customer) = await SeedTrackedAsync(harness, context);

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
        await using var context = harness.NewContext();
        var (_, customer) = await SeedTrackedAsync(harness, context);

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
        await using var context = harness.NewContext();
        var (seeded, customer) = await SeedTrackedAsync(harness, context);

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
}
