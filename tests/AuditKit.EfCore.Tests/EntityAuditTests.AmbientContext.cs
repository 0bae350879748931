namespace AuditKit.EfCore.Tests;

public abstract partial class EntityAuditTests
{
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
}
