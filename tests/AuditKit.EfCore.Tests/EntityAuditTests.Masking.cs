using Microsoft.Extensions.Options;

namespace AuditKit.EfCore.Tests;

public abstract partial class EntityAuditTests
{
    // ---- Masking ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Sensitive_values_are_masked_in_old_values_new_values_and_changes_alike()
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        var (_, customer) = await SeedTrackedAsync(harness, context);

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
}
