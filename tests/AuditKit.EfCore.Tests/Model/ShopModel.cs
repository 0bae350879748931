using System.Globalization;

namespace AuditKit.EfCore.Tests.Model;

public enum CustomerTier
{
    Standard = 0,
    Silver = 1,
    Gold = 2,
}

/// <summary>A value object stored through a value converter as text (<c>12.50 EUR</c>).</summary>
public sealed record Money(decimal Amount, string Currency)
{
    public override string ToString() => Amount.ToString("0.00", CultureInfo.InvariantCulture) + " " + Currency;

    public static Money Parse(string text)
    {
        var parts = text.Split(' ');
        return new Money(decimal.Parse(parts[0], CultureInfo.InvariantCulture), parts[1]);
    }
}

public sealed class Customer
{
    public int Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public string Email { get; set; } = string.Empty;

    [AuditSensitive(MaskStyle.Partial, 4)]
    public string Ssn { get; set; } = string.Empty;

    /// <summary>Masked by the default name patterns (contains "password").</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Masked by fluent configuration with an HMAC.</summary>
    public string? TaxId { get; set; }

    /// <summary>Left out by fluent configuration.</summary>
    public byte[]? Photo { get; set; }

    /// <summary>Stored as an int by EF Core's built-in converter; events carry the model value (its name).</summary>
    public CustomerTier Tier { get; set; }

    /// <summary>Store-generated on insert (default value SQL 7).</summary>
    public int Rank { get; set; }

    /// <summary>An application-managed concurrency token.</summary>
    public int Version { get; set; }

    public bool IsDeleted { get; set; }

    public Money Credit { get; set; } = new(0m, "EUR");

    /// <summary>A complex property (EF Core 8+), in the customer's own table.</summary>
    public Address Address { get; set; } = new();

    /// <summary>An owned type (table splitting).</summary>
    public ShippingAddress? Shipping { get; set; }

    public List<Tag> Tags { get; } = [];
}

public sealed class Address
{
    public string Street { get; set; } = string.Empty;

    public string City { get; set; } = string.Empty;

    [AuditSensitive]
    public string? DoorCode { get; set; }
}

public sealed class ShippingAddress
{
    public string Line1 { get; set; } = string.Empty;

    public string PostalCode { get; set; } = string.Empty;
}

public sealed class Tag
{
    public int Id { get; set; }

    public string Label { get; set; } = string.Empty;

    public List<Customer> Customers { get; } = [];
}

/// <summary>A composite key.</summary>
public sealed class OrderLine
{
    public int OrderId { get; set; }

    public int LineNo { get; set; }

    public string Product { get; set; } = string.Empty;

    public int Quantity { get; set; }
}

/// <summary>Table-per-hierarchy.</summary>
public abstract class Animal
{
    public int Id { get; set; }

    public string Name { get; set; } = string.Empty;
}

public sealed class Dog : Animal
{
    public bool GoodBoy { get; set; }
}

public sealed class Cat : Animal
{
    public int Lives { get; set; }
}

/// <summary>Table-per-type.</summary>
public abstract class Vehicle
{
    public int Id { get; set; }

    public string Plate { get; set; } = string.Empty;
}

public sealed class Car : Vehicle
{
    public int Doors { get; set; }
}

/// <summary>An entity that owns a collection (OwnsMany).</summary>
public sealed class Invoice
{
    public int Id { get; set; }

    public string Number { get; set; } = string.Empty;

    public List<InvoiceItem> Items { get; } = [];
}

public sealed class InvoiceItem
{
    public int LineNo { get; set; }

    public string Sku { get; set; } = string.Empty;

    public decimal Price { get; set; }
}

/// <summary>An entity with a complex collection stored as JSON (EF Core 10).</summary>
public sealed class Basket
{
    public int Id { get; set; }

    public string Label { get; set; } = string.Empty;

    public List<BasketItem> Items { get; set; } = [];
}

public sealed class BasketItem
{
    public string Sku { get; set; } = string.Empty;

    public int Quantity { get; set; }

    [AuditSensitive]
    public string? GiftMessage { get; set; }
}
