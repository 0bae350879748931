namespace AuditKit.EfCore.Tests;

public abstract partial class EntityAuditTests
{
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
}
