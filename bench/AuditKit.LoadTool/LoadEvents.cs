using System.Globalization;
using System.Text.Json.Nodes;

namespace AuditKit.LoadTool;

/// <summary>
/// Realistic events (about 430-460 bytes of JSON each): an HTTP request on an entity, with user, request context and,
/// for updates, one change; values drawn from skewed pools like a real application's.
/// </summary>
internal sealed class LoadEvents(int seed)
{
    private static readonly string[] s_actions = [AuditActions.Read, AuditActions.Read, AuditActions.Read, AuditActions.Update, AuditActions.Create, AuditActions.Delete, AuditActions.Login, AuditActions.Export];
    private static readonly string[] s_resources = ["Customer", "Order", "Invoice", "Product", "Shipment"];
    private static readonly string[] s_methods = ["GET", "PUT", "POST", "DELETE"];
    private static readonly string[] s_services = ["billing-api", "orders-api", "crm-web"];
    private static readonly string[] s_statuses = ["active", "blocked", "pending", "closed"];

    private readonly Random _random = new(seed);

    public AuditEvent Next(DateTimeOffset at)
    {
        var resource = s_resources[_random.Next(s_resources.Length)];
        var resourceId = _random.Next(1, 50_000).ToString(CultureInfo.InvariantCulture);
        var user = Skewed(2_000);
        var action = s_actions[_random.Next(s_actions.Length)];
        var failed = _random.Next(50) == 0;
        var auditEvent = OnResource(at, action, resource, resourceId, user);
        auditEvent.Status = failed ? AuditStatus.Failure : AuditStatus.Success;
        auditEvent.Severity = action == AuditActions.Read ? AuditSeverity.Low : AuditSeverity.Medium;
        auditEvent.ServiceName = s_services[user % s_services.Length];
        auditEvent.Method = s_methods[_random.Next(s_methods.Length)];
        auditEvent.StatusCode = failed ? 409 : 200;
        auditEvent.DurationMs = Math.Round(_random.NextDouble() * 80, 2);
        auditEvent.IpAddress = $"10.{user % 200}.{_random.Next(4)}.{(user * 7) % 250}";
        auditEvent.TraceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        auditEvent.Changes = action == AuditActions.Update
            ? [new AuditChange { Property = "Status", Old = JsonValue.Create(s_statuses[_random.Next(4)]), New = JsonValue.Create(s_statuses[_random.Next(4)]) }]
            : null;
        return auditEvent;
    }

    /// <summary>
    /// What every load event has: an HTTP request by <c>user-N</c> doing <paramref name="action"/> on one entity, with
    /// its path and description (both mixes: this one and <c>BenignLoadEvents</c>).
    /// </summary>
    internal static AuditEvent OnResource(DateTimeOffset at, string action, string resource, string resourceId, int user) => new()
    {
        Id = Guid.CreateVersion7(at),
        Timestamp = at,
        Source = AuditSources.Http,
        Action = action,
        ResourceType = resource,
        ResourceId = resourceId,
        UserId = "user-" + user.ToString(CultureInfo.InvariantCulture),
        Path = $"/api/{resource.ToLowerInvariant()}s/{resourceId}",
        Description = $"{action} {resource} {resourceId}",
    };

    // A few users and IPs carry most of the traffic, as in a real tenant.
    private int Skewed(int max) => (int)(max * Math.Pow(_random.NextDouble(), 3));
}
