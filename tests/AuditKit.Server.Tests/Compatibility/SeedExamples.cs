namespace AuditKit.Server.Tests.Compatibility;

/// <summary>
/// The examples of the seeds' own documentation (/work/shared/seeds), copied verbatim: each constant names its seed
/// and section. The tests replay them against the server; only the host of a curl URL is replaced by the server's.
/// </summary>
internal static class SeedExamples
{
    /// <summary>Seed 001 (001_da1ab53564cc7da7.txt), "How It Works / 2. Event Format".</summary>
    public const string Seed001Event = """
        {
            "event_type": "auth.login_success",
            "user_id": "user123",
            "username": "johndoe",
            "ip_address": "192.168.1.100",
            "user_agent": "Mozilla/5.0...",
            "service": "user-service",
            "action": "login_success",
            "result": "success",
            "details": {
                "mfa_used": false,
                "session_id": "sess_123"
            },
            "compliance_tags": ["SOX", "GDPR"],
            "data_classification": "internal"
        }
        """;

    /// <summary>Seed 001, "Querying Audit Logs / Via API".</summary>
    public const string Seed001QueryLogins = """curl "http://localhost:8002/api/v2/events/query?event_type=auth.login_success&limit=10" """;

    /// <summary>Seed 001, "Querying Audit Logs / Via API".</summary>
    public const string Seed001QueryUser = """curl "http://localhost:8002/api/v2/events/query?user_id=user123" """;

    /// <summary>Seed 001, "Querying Audit Logs / Via API".</summary>
    public const string Seed001QueryFailedLogins = """curl "http://localhost:8002/api/v2/events/query?event_type=auth.login_failed&limit=50" """;

    /// <summary>Seed 001, "Querying Audit Logs / Via v1 API (Legacy)".</summary>
    public const string Seed001V1Search = """curl "http://localhost:8002/api/v1/audit/logs?event_type=user_login&limit=100" """;

    /// <summary>Seed 001, "Querying Audit Logs / Via v1 API (Legacy)".</summary>
    public const string Seed001Dashboard = """curl "http://localhost:8002/api/v1/audit/statistics/dashboard?time_range=24h" """;

    /// <summary>Seed 001, "Monitoring / Health Checks".</summary>
    public const string Seed001Health = """curl http://localhost:8002/api/v2/events/health""";

    /// <summary>Seed 001, "Performance Optimization / 2. Batch Processing": the route batches are sent to.</summary>
    public const string Seed001BatchRoute = "/api/v2/events/batch";

    /// <summary>Seed 003 (003_4479437a95649cbe.txt), "Example API Usage": log an event.</summary>
    public const string Seed003LogEvent = """
        curl -X POST "http://localhost:8000/events" \
          -H "Content-Type: application/json" \
          -d '{
            "level": "INFO",
            "category": "USER_ACTION",
            "action": "user_login",
            "service_name": "auth_service",
            "user_id": "user123",
            "message": "User logged in successfully"
          }'
        """;

    /// <summary>Seed 003, "Example API Usage": query events.</summary>
    public const string Seed003QueryEvents = """curl "http://localhost:8000/events?service_names=auth_service&limit=10" """;

    /// <summary>Seed 003, "Example API Usage": health check.</summary>
    public const string Seed003Health = """curl "http://localhost:8000/health" """;

    /// <summary>
    /// Seed 003, "Quick Start / Basic Usage": <c>AuditQuery(service_names=["auth_service"], levels=[AuditLevel.INFO],
    /// limit=10)</c> as the JSON body of <c>POST /events/query</c>.
    /// </summary>
    public const string Seed003Query = """{"service_names": ["auth_service"], "levels": ["INFO"], "limit": 10}""";

    /// <summary>Seed 003, "Event Model": an event carrying every field of its <c>AuditEvent</c> dataclass.</summary>
    public const string Seed003FullEvent = """
        {
            "event_id": "019550d3-9b40-7f00-8a3b-5c6d7e8f9a0b",
            "timestamp": "2025-03-01T08:30:00Z",
            "level": "ERROR",
            "category": "SYSTEM_EVENT",
            "action": "job_collect",
            "service_name": "job_collection_service",
            "user_id": "user123",
            "session_id": "sess-42",
            "request_id": "req-7",
            "resource_type": "job",
            "resource_id": "job-9",
            "message": "Collection failed",
            "metadata": {"source": "indeed", "attempt": 3},
            "error_code": "E_TIMEOUT",
            "error_message": "Upstream timed out",
            "stack_trace": "Traceback (most recent call last):\n  File \"collector.py\", line 12, in collect\nTimeoutError: upstream",
            "duration_ms": 1532.5
        }
        """;

    /// <summary>The path and query of a curl example's URL.</summary>
    public static string PathOf(string curl)
    {
        var start = curl.IndexOf("http://", StringComparison.Ordinal);
        var end = curl.IndexOfAny(['"', ' ', '\n'], start);
        return new Uri(end < 0 ? curl[start..] : curl[start..end]).PathAndQuery;
    }

    /// <summary>The JSON body of a curl example (its <c>-d '...'</c>).</summary>
    public static string BodyOf(string curl)
    {
        var start = curl.IndexOf("-d '", StringComparison.Ordinal) + 4;
        return curl[start..curl.LastIndexOf('\'')];
    }
}
