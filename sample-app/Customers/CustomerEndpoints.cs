using AuditKit.SampleApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuditKit.SampleApp.Customers;

/// <summary>Customers CRUD under <c>/api/customers</c>, for signed-in users.</summary>
public static class CustomerEndpoints
{
    public static IEndpointRouteBuilder MapCustomerEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var customers = endpoints.MapGroup("/api/customers")
            .RequireAuthorization()
            .WithAuditing(resource: nameof(Customer));

        customers.MapGet(string.Empty, ListAsync);
        customers.MapPost(string.Empty, CreateAsync);
        customers.MapGet("/{id:int}", GetAsync);
        customers.MapPut("/{id:int}", UpdateAsync);
        customers.MapDelete("/{id:int}", DeleteAsync);
        return endpoints;
    }

    private static async Task<IResult> ListAsync(SampleDbContext db, CancellationToken cancellationToken) =>
        Results.Ok(await db.Customers.AsNoTracking().OrderBy(c => c.Id).Select(c => CustomerResponse.From(c)).ToListAsync(cancellationToken));

    private static async Task<IResult> GetAsync(int id, SampleDbContext db, CancellationToken cancellationToken) =>
        await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is { } customer
            ? Results.Ok(CustomerResponse.From(customer))
            : Results.NotFound();

    private static async Task<IResult> CreateAsync(CustomerRequest request, SampleDbContext db, CancellationToken cancellationToken)
    {
        if (request.Validate() is { } problem)
        {
            return problem;
        }

        var customer = new Customer { Name = request.Name!, Email = request.Email!, Ssn = request.Ssn! };
        db.Customers.Add(customer);
        await db.SaveChangesAsync(cancellationToken);
        return Results.Created($"/api/customers/{customer.Id}", CustomerResponse.From(customer));
    }

    private static async Task<IResult> UpdateAsync(int id, CustomerRequest request, SampleDbContext db, CancellationToken cancellationToken)
    {
        if (request.Validate() is { } problem)
        {
            return problem;
        }

        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (customer is null)
        {
            return Results.NotFound();
        }

        customer.Name = request.Name!;
        customer.Email = request.Email!;
        customer.Ssn = request.Ssn!;
        await db.SaveChangesAsync(cancellationToken);
        return Results.Ok(CustomerResponse.From(customer));
    }

    private static async Task<IResult> DeleteAsync(int id, SampleDbContext db, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (customer is null)
        {
            return Results.NotFound();
        }

        db.Customers.Remove(customer);
        await db.SaveChangesAsync(cancellationToken);
        return Results.NoContent();
    }
}
