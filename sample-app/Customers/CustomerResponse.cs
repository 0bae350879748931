using AuditKit.SampleApp.Data;

namespace AuditKit.SampleApp.Customers;

/// <summary>A customer as the API shows it: the SSN only by its last four digits.</summary>
public sealed record CustomerResponse(int Id, string Name, string Email, string SsnLast4)
{
    public static CustomerResponse From(Customer customer) =>
        new(customer.Id, customer.Name, customer.Email, customer.Ssn.Length >= 4 ? customer.Ssn[^4..] : string.Empty);
}
