using System.Diagnostics;
using System.Net.Http.Headers;

namespace AuditKit.EndToEnd.Tests;

/// <summary>
/// The sample-app forwarding through the real delivery pipeline to a real AuditKit server: sign-ins, customers CRUD
/// and a role change are all visible at the server with the right fields, and the SSN is never stored in clear.
/// </summary>
public sealed class SampleAppToServerTests : IAsyncLifetime
{
    private const string Ssn = "987-65-4321";
    private const string NewSsn = "555-44-3333";

    private AuditKitServerHost _server = null!;
    private SampleAppHost _sample = null!;
    private string _tenant = null!;
    private string _readKey = null!;

    public async Task InitializeAsync()
    {
        _server = await AuditKitServerHost.StartAsync();
        (_tenant, var ingestKey, _readKey) = await _server.CreateTenantAsync();
        _sample = new SampleAppHost(_server.Address, ingestKey);
    }

    public async Task DisposeAsync()
    {
        await _sample.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Sign_ins_customers_CRUD_and_a_role_change_reach_the_server()
    {
        using var client = _sample.CreateClient();

        (await client.PostAsJsonAsync("/auth/login", new { username = "bob", password = "not-bobs-password" })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var bob = await LoginAsync(client, "bob", "bob-password");
        var alice = await LoginAsync(client, "alice", "alice-password");

        var created = await Send(client, bob, HttpMethod.Post, "/api/customers", new { name = "Ann", email = "ann@example.com", ssn = Ssn });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        (await Send(client, bob, HttpMethod.Get, $"/api/customers/{id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Send(client, bob, HttpMethod.Put, $"/api/customers/{id}", new { name = "Ann B", email = "ann@example.com", ssn = NewSsn })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Send(client, bob, HttpMethod.Delete, $"/api/customers/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await Send(client, alice, HttpMethod.Post, "/api/users/2/roles", new { role = "auditor" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        // 3 sign-ins + 4 customer requests + 1 role request over HTTP; 3 customer and 1 user change from EF Core.
        var stored = await WaitForAsync(events =>
            events.Count(e => e.Source == AuditSources.Http) >= 8
            && events.Count(e => e.Source == AuditSources.EfCore && (e.ResourceType == "Customer" || (e.ResourceType == "AppUser" && e.Action == AuditActions.Update))) >= 4);

        // The server's own records of the tenant and key creation are there too; the rest is the sample-app's.
        var events = stored.Where(e => e.ServiceName == "sample-app").ToList();
        events.ShouldAllBe(e => e.TenantId == _tenant && e.ServiceVersion == "e2e");

        var logins = events.Where(e => e.Path == "/auth/login").OrderBy(e => e.Timestamp).ToList();
        logins.Select(e => (e.Action, e.Username, e.Status, e.StatusCode, e.Severity)).ShouldBe(
        [
            (AuditActions.LoginFailed, "bob", AuditStatus.Failure, 401, AuditSeverity.Critical),
            (AuditActions.Login, "bob", AuditStatus.Success, 200, AuditSeverity.Medium),
            (AuditActions.Login, "alice", AuditStatus.Success, 200, AuditSeverity.Medium),
        ]);
        logins[0].ErrorMessage.ShouldBe("invalid_password");
        logins[1].UserId.ShouldBe("2");

        var requests = events.Where(e => e.Source == AuditSources.Http && e.ResourceType == "Customer").OrderBy(e => e.Timestamp).ToList();
        requests.Select(e => (e.Method, e.Route, e.Action, e.ResourceId, e.StatusCode, e.Severity, e.UserId, e.Username)).ShouldBe(
        [
            ("POST", "/api/customers", AuditActions.Create, null, 201, AuditSeverity.Medium, "2", "bob"),
            ("GET", "/api/customers/{id:int}", AuditActions.Read, $"{id}", 200, AuditSeverity.Low, "2", "bob"),
            ("PUT", "/api/customers/{id:int}", AuditActions.Update, $"{id}", 200, AuditSeverity.Medium, "2", "bob"),
            ("DELETE", "/api/customers/{id:int}", AuditActions.Delete, $"{id}", 204, AuditSeverity.High, "2", "bob"),
        ]);
        requests.ShouldAllBe(e => e.TraceId != null && e.TraceId.Length == 32 && e.RequestId != null && e.DurationMs >= 0);

        var entities = events.Where(e => e.Source == AuditSources.EfCore && e.ResourceType == "Customer").OrderBy(e => e.Timestamp).ToList();
        entities.Select(e => e.Action).ShouldBe([AuditActions.Create, AuditActions.Update, AuditActions.Delete]);
        entities.ShouldAllBe(e => e.ResourceId == $"{id}" && e.UserId == "2");
        entities[0].TraceId.ShouldBe(requests[0].TraceId);
        entities[1].Changes!.Select(c => c.Property).ShouldContain("Ssn");

        var role = events.Single(e => e.Source == AuditSources.Http && e.Action == AuditActions.RoleAssign);
        (role.Username, role.ResourceType, role.ResourceId, role.Severity, role.StatusCode).ShouldBe(("alice", "User", "2", AuditSeverity.Critical, 200));
        var roleChange = events.Single(e => e.Source == AuditSources.EfCore && e.ResourceType == "AppUser" && e.Action == AuditActions.Update);
        roleChange.Changes!.Single(c => c.Property == "Roles").New!.GetValue<string>().ShouldBe("user,auditor");
        roleChange.TraceId.ShouldBe(role.TraceId);

        foreach (var e in events)
        {
            var json = JsonSerializer.Serialize(e, AuditJsonContext.Default.AuditEvent);
            json.ShouldNotContain(Ssn);
            json.ShouldNotContain(NewSsn);
            json.ShouldNotContain("bob-password");
            json.ShouldNotContain("not-bobs-password");
        }

        (await _server.StoredDataContainsAsync(Ssn)).ShouldBeFalse();
        (await _server.StoredDataContainsAsync(NewSsn)).ShouldBeFalse();
        (await _server.StoredDataContainsAsync("alice-password")).ShouldBeFalse();
    }

    private static async Task<string> LoginAsync(HttpClient client, string username, string password)
    {
        var response = await client.PostAsJsonAsync("/auth/login", new { username, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string token, HttpMethod method, string uri, object? body = null)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return client.SendAsync(request);
    }

    /// <summary>Polls the server (bounded) until <paramref name="done"/> holds for the tenant's events.</summary>
    private async Task<IReadOnlyList<AuditEvent>> WaitForAsync(Func<IReadOnlyList<AuditEvent>, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var events = await _server.ListAsync(_readKey);
            if (done(events))
            {
                return events;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException(
                    $"The server holds {events.Count} events after 30 s: " +
                    string.Join(", ", events.Select(e => $"{e.Source} {e.Action} {e.ResourceType} {e.Path}")));
            }

            await Task.Delay(100);
        }
    }
}
