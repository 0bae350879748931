using AuditKit.Testing;

namespace AuditKit.Middleware.Tests;

/// <summary>The sample-app on PostgreSQL (<c>Database:Provider=PostgreSQL</c>): same API, same audit trail.</summary>
public sealed class SampleAppPostgresTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task Customers_are_stored_in_PostgreSQL_and_audited()
    {
        await using var factory = new SampleAppFactory(database.ConnectionString);
        using var anonymous = factory.CreateClient();
        using var alice = factory.CreateClient(await factory.LoginAsync(anonymous, "alice", "alice-password"));

        var created = await alice.PostAsJsonAsync("/api/customers", new { name = "Pat", email = "pat@example.com", ssn = "123-45-6789" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        (await alice.DeleteAsync($"/api/customers/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await factory.Requests.IdleAsync();

        var events = factory.Sink.Events;
        events.Where(e => e.Source == AuditSources.EfCore && e.ResourceType == "Customer").Select(e => e.Action)
            .ShouldBe([AuditActions.Create, AuditActions.Delete]);
        events.Where(e => e.Source == AuditSources.Http && e.ResourceType == "Customer").Select(e => e.Action)
            .ShouldBe([AuditActions.Create, AuditActions.Delete]);
        foreach (var e in events)
        {
            JsonSerializer.Serialize(e, AuditJsonContext.Default.AuditEvent).ShouldNotContain("123-45-6789");
        }
    }
}
