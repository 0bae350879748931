namespace AuditKit.Server.Tests.Api;

/// <summary>
/// The hand-checked events the history, summary and export tests read: nine events of one tenant over four hours,
/// whose expected answers are worked out by hand in the tests. <see cref="PostStrangerAsync"/> posts look-alike
/// events (same users, resources, IPs) to another tenant, which must never show up.
/// </summary>
internal static class AuditAnalysisFixtureEvents
{
    public static readonly DateTimeOffset T0 = new(2025, 1, 10, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Text that a spreadsheet would run, and characters CSV must quote.</summary>
    public const string FormulaDescription = "=HYPERLINK(\"http://evil.test\",\"click\"), \"quoted\", with comma\nand a new line";

    // Event i is stamped At(s_minutes[i]); its id is a UUIDv7 of that time (the id rule), told apart by i.
    private static readonly int[] s_minutes = [0, 10, 20, 30, 65, 100, 135, 170, 210];

    public static Guid Id(int i) =>
        Guid.Parse($"{At(s_minutes[i]).ToUnixTimeMilliseconds():x12}-7000-8000-{i:D12}".Insert(8, "-"));

    public static DateTimeOffset At(int minutes) => T0.AddMinutes(minutes);

    public static object[] Events() =>
    [
        new { id = Id(0), timestamp = At(0), action = "LOGIN", user_id = "alice", ip_address = "10.0.0.1", status = "SUCCESS", severity = "LOW", service_name = "portal", category = "auth", description = "Alice signed in" },
        new { id = Id(1), timestamp = At(10), action = "LOGIN_FAILED", user_id = "mallory", ip_address = "203.0.113.9", status = "FAILURE", severity = "CRITICAL", service_name = "portal", category = "auth", description = "Bad password for mallory" },
        new { id = Id(2), timestamp = At(20), action = "LOGIN_FAILED", user_id = "mallory", ip_address = "203.0.113.9", status = "FAILURE", severity = "CRITICAL", service_name = "portal", category = "auth", description = "Bad password for mallory" },
        new { id = Id(3), timestamp = At(30), action = "LOGIN", user_id = "bob", ip_address = "198.51.100.4", status = "FAILURE", severity = "HIGH", service_name = "portal", category = "auth", error_message = "Account locked" },
        new
        {
            id = Id(4), timestamp = At(65), action = "UPDATE", resource_type = "Customer", resource_id = "c-1", user_id = "alice", ip_address = "10.0.0.1",
            status = "SUCCESS", severity = "MEDIUM", service_name = "shop", category = "customer", description = "Changed the billing address",
            changes = new[] { new { property = "City", old = "Lyon", @new = "Paris" } },
        },
        new
        {
            id = Id(5), timestamp = At(100), action = "UPDATE", resource_type = "Customer", resource_id = "c-1", user_id = "alice", ip_address = "10.0.0.2",
            status = "SUCCESS", severity = "MEDIUM", service_name = "shop", category = "customer", description = "Blocked the customer",
            changes = new[] { new { property = "Status", old = "active", @new = "blocked" } },
        },
        new { id = Id(6), timestamp = At(135), action = "DELETE", resource_type = "Customer", resource_id = "c-2", user_id = "bob", ip_address = "198.51.100.4", status = "SUCCESS", severity = "HIGH", service_name = "shop", category = "customer" },
        new { id = Id(7), timestamp = At(170), action = "PERMISSION_GRANT", resource_type = "User", resource_id = "u-9", user_id = "alice", ip_address = "10.0.0.2", status = "SUCCESS", severity = "CRITICAL", service_name = "admin-api", category = "rbac" },
        new
        {
            id = Id(8), timestamp = At(210), action = "EXPORT", resource_type = "Order", resource_id = "o-7", user_id = "alice", ip_address = "10.0.0.1",
            status = "SUCCESS", severity = "HIGH", service_name = "reports", category = "export", description = FormulaDescription,
            resource_name = "+cmd|' /C calc'!A0", username = "-2+3", error_message = "@SUM(1,2)", service_version = "\t=1+2", session_id = "\r=1",
            status_code = 200, duration_ms = 12.5,
        },
    ];

    public static async Task PostAsync(AuditKitServerFixture server, TestTenant tenant)
    {
        using var ingest = server.CreateClient(tenant.IngestKey);
        (await (await ingest.PostAsJsonAsync("/api/v1/audit-logs/batch", Events())).ReadBatchResultAsync()).Accepted.ShouldBe(9);
    }

    /// <summary>Events in another tenant that match every filter the tests use.</summary>
    public static async Task PostStrangerAsync(AuditKitServerFixture server, TestTenant stranger)
    {
        using var ingest = server.CreateClient(stranger.IngestKey);
        object[] events =
        [
            new { timestamp = At(15), action = "LOGIN_FAILED", user_id = "mallory", ip_address = "203.0.113.9", status = "FAILURE", severity = "CRITICAL", service_name = "portal", category = "auth", description = "Bad password" },
            new { timestamp = At(70), action = "UPDATE", resource_type = "Customer", resource_id = "c-1", user_id = "alice", ip_address = "10.0.0.1", status = "SUCCESS", severity = "MEDIUM", service_name = "shop", category = "customer", description = "Changed the billing address" },
            new { timestamp = At(80), action = "LOGIN", user_id = "alice", ip_address = "10.9.9.9", status = "FAILURE", severity = "CRITICAL", service_name = "portal", category = "auth" },
        ];
        (await (await ingest.PostAsJsonAsync("/api/v1/audit-logs/batch", events)).ReadBatchResultAsync()).Accepted.ShouldBe(3);
    }
}
