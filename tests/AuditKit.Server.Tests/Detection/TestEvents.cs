namespace AuditKit.Server.Tests.Detection;

/// <summary>Wire-shaped events for detection tests (anonymous objects serialized as the contract's JSON).</summary>
public static class TestEvents
{
    /// <summary>
    /// When the scripted events happen: weeks before the test server's clock, so the audit events the server records
    /// about its own admin calls (some CRITICAL) never share a window with them.
    /// </summary>
    public static readonly DateTimeOffset Start = new(2025, 1, 15, 9, 0, 0, TimeSpan.Zero);

    public static object FailedLogin(DateTimeOffset at, string user, string ip) =>
        new { id = Guid.CreateVersion7(at), timestamp = at, action = "LOGIN_FAILED", user_id = user, ip_address = ip, status = "FAILURE", severity = "CRITICAL" };

    public static object Login(DateTimeOffset at, string user, string ip) =>
        new { id = Guid.CreateVersion7(at), timestamp = at, action = "LOGIN", user_id = user, ip_address = ip, status = "SUCCESS", severity = "LOW" };

    public static object Action(DateTimeOffset at, string action, string user, string severity = "MEDIUM", string ip = "10.1.1.1") =>
        new { id = Guid.CreateVersion7(at), timestamp = at, action, user_id = user, ip_address = ip, resource_type = "Customer", resource_id = "c-1", severity };

    public static object Grant(DateTimeOffset at, string grantor, string grantee, string action = "ROLE_ASSIGN") =>
        new { id = Guid.CreateVersion7(at), timestamp = at, action, user_id = grantor, resource_type = "User", resource_id = grantee, severity = "CRITICAL", new_values = new { role = "admin" } };

    /// <summary><paramref name="count"/> copies made by <paramref name="make"/> at <paramref name="step"/> intervals from <paramref name="from"/>.</summary>
    public static object[] Series(int count, DateTimeOffset from, TimeSpan step, Func<DateTimeOffset, int, object> make) =>
        [.. Enumerable.Range(0, count).Select(i => make(from + (step * i), i))];
}
