namespace AuditKit.Server.Seeding;

/// <summary>
/// Makes demo events with the skew of real audit logs: a few tenants hold most events (Zipf over tenants), a few
/// users and their usual IP addresses most of a tenant's activity, reads outnumber writes, writes carry changes and
/// old/new values, a small share fails, and failed logins cluster on a few hostile addresses. Deterministic for a
/// random seed.
/// </summary>
internal sealed class AuditSeedEvents
{
    private static readonly (string Action, int Weight)[] s_actions =
    [
        (AuditActions.Read, 440), (AuditActions.Update, 180), (AuditActions.Create, 100), (AuditActions.Login, 90),
        (AuditActions.Logout, 50), (AuditActions.Delete, 30), (AuditActions.LoginFailed, 30), (AuditActions.Export, 20),
        (AuditActions.Approve, 15), (AuditActions.Reject, 5), (AuditActions.PasswordChange, 5), (AuditActions.RoleAssign, 5),
        (AuditActions.PermissionGrant, 3), (AuditActions.ConfigUpdate, 5), (AuditActions.Import, 2),
    ];

    private static readonly string[] s_resources = ["Customer", "Order", "Product", "Invoice", "Payment", "Shipment", "Document", "User", "Role", "Settings"];
    private static readonly string[] s_companies = ["Acme Corp", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises", "Wonka", "Cyberdyne", "Soylent", "Tyrell", "Aperture"];
    private static readonly string[] s_services = ["orders-api", "billing-api", "crm-web", "identity", "inventory", "reports", "admin-portal", "shipping"];
    private static readonly string[] s_agents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "okhttp/4.12.0", "python-requests/2.32.3", "curl/8.5.0",
    ];

    private static readonly string[] s_errors =
    [
        "Timeout while calling the payments gateway", "Version conflict: the row was changed by another user",
        "Permission denied for role viewer", "Invalid credentials", "Validation failed: email is not valid",
        "Deadlock detected while updating inventory", "Upstream service unavailable",
    ];

    private static readonly string[] s_properties = ["Status", "Email", "Phone", "Address.City", "CreditLimit", "Owner", "Priority", "Quantity", "Price", "Notes"];
    private static readonly string[] s_statuses = ["active", "blocked", "pending", "closed", "archived"];
    private static readonly string[] s_cities = ["Lyon", "Paris", "Berlin", "Madrid", "Oslo", "Porto", "Tokyo", "Austin"];

    private readonly Random _random;
    private readonly int _actionTotal = s_actions.Sum(static a => a.Weight);
    private readonly double[] _tenantCumulative;
    private readonly int[] _tenantUsers;
    private readonly string[] _tenantIds;

    public AuditSeedEvents(IReadOnlyList<string> tenantIds, int randomSeed)
    {
        ArgumentNullException.ThrowIfNull(tenantIds);
        _random = new Random(randomSeed);
        _tenantIds = [.. tenantIds];

        // Zipf (s = 1) over tenants: the largest has about a fifth of all events with 50 tenants.
        var weights = Enumerable.Range(1, _tenantIds.Length).Select(static k => 1.0 / k).ToArray();
        var sum = weights.Sum();
        _tenantCumulative = new double[weights.Length];
        var running = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            running += weights[i] / sum;
            _tenantCumulative[i] = running;
        }

        _tenantUsers = [.. weights.Select(static w => Math.Max(25, (int)(5000 * w)))];
    }

    /// <summary>The share of all events that tenant <paramref name="index"/> gets.</summary>
    public double TenantShare(int index) => _tenantCumulative[index] - (index == 0 ? 0 : _tenantCumulative[index - 1]);

    /// <summary>The next event, at <paramref name="at"/>, with its tenant.</summary>
    public (string TenantId, AuditEvent Event) Next(DateTimeOffset at)
    {
        var found = Array.BinarySearch(_tenantCumulative, _random.NextDouble());
        var tenant = found >= 0 ? found : Math.Min(~found, _tenantIds.Length - 1);
        var user = Skewed(_tenantUsers[tenant]);
        var action = PickAction();
        var resource = action is AuditActions.Login or AuditActions.Logout or AuditActions.LoginFailed or AuditActions.PasswordChange
            ? "User"
            : action is AuditActions.ConfigUpdate ? "Settings" : s_resources[Skewed(s_resources.Length)];
        var resourceNumber = resource == "User" ? user : Skewed(50_000) + 1;
        var resourceId = resource[..1].ToLowerInvariant() + "-" + resourceNumber.ToString(CultureInfo.InvariantCulture);
        var hostile = action == AuditActions.LoginFailed && _random.Next(3) > 0;
        var failed = action == AuditActions.LoginFailed || _random.Next(60) == 0;
        var userId = "user-" + user.ToString(CultureInfo.InvariantCulture);
        var method = action switch
        {
            AuditActions.Read or AuditActions.Export => "GET",
            AuditActions.Update or AuditActions.ConfigUpdate => "PUT",
            AuditActions.Delete => "DELETE",
            _ => "POST",
        };
        var path = resource switch
        {
            "User" when action is AuditActions.Login or AuditActions.LoginFailed => "/auth/login",
            "User" when action == AuditActions.Logout => "/auth/logout",
            "Settings" => "/api/settings",
            _ => $"/api/{resource.ToLowerInvariant()}s/{resourceId}",
        };
        var resourceName = resource switch
        {
            "Customer" => s_companies[resourceNumber % s_companies.Length] + " " + resourceNumber.ToString(CultureInfo.InvariantCulture),
            "User" => "user" + user.ToString(CultureInfo.InvariantCulture),
            _ => resource + " #" + resourceNumber.ToString(CultureInfo.InvariantCulture),
        };
        var auditEvent = new AuditEvent
        {
            Id = Guid.CreateVersion7(at),
            Timestamp = at,
            Source = action is AuditActions.Create or AuditActions.Update or AuditActions.Delete && _random.Next(2) == 0 ? AuditSources.EfCore : AuditSources.Http,
            Action = action,
            Category = resource == "User" ? "auth" : resource.ToLowerInvariant(),
            ResourceType = resource,
            ResourceId = resourceId,
            ResourceName = resourceName,
            UserId = userId,
            Username = "user" + user.ToString(CultureInfo.InvariantCulture),
            UserEmail = $"user{user.ToString(CultureInfo.InvariantCulture)}@{_tenantIds[tenant]}.example",
            Status = failed ? AuditStatus.Failure : action == AuditActions.Approve && _random.Next(10) == 0 ? AuditStatus.Pending : AuditStatus.Success,
            Severity = SeverityOf(action),
            ServiceName = s_services[(tenant + Skewed(4)) % s_services.Length],
            ServiceVersion = "2." + (tenant % 7).ToString(CultureInfo.InvariantCulture) + ".1",
            Method = method,
            Path = path,
            Route = path.StartsWith("/api/", StringComparison.Ordinal) && resource is not "Settings" ? $"/api/{resource.ToLowerInvariant()}s/{{id}}" : path,
            StatusCode = failed ? (action == AuditActions.LoginFailed ? 401 : 409) : action == AuditActions.Create ? 201 : 200,
            DurationMs = Math.Round(2 + (_random.NextDouble() * _random.NextDouble() * 400), 2),
            IpAddress = hostile ? $"203.0.113.{Skewed(20) + 1}" : UserAddress(tenant, user),
            UserAgent = hostile ? "python-requests/2.32.3" : s_agents[user % s_agents.Length],
            RequestId = "req-" + _random.NextInt64().ToString("x16", CultureInfo.InvariantCulture),
            TraceId = _random.NextInt64().ToString("x16", CultureInfo.InvariantCulture) + _random.NextInt64().ToString("x16", CultureInfo.InvariantCulture),
            SessionId = "s-" + (user * 31 + (int)(at.Ticks / TimeSpan.TicksPerDay)).ToString(CultureInfo.InvariantCulture),
            Description = Describe(action, resource, resourceName, userId),
            ErrorCode = failed ? (action == AuditActions.LoginFailed ? "INVALID_CREDENTIALS" : "CONFLICT") : null,
            ErrorMessage = failed ? (action == AuditActions.LoginFailed ? "Invalid credentials" : s_errors[_random.Next(s_errors.Length)]) : null,
        };

        if (action == AuditActions.Update || action == AuditActions.ConfigUpdate)
        {
            var changes = new List<AuditChange>();
            var oldValues = new JsonObject();
            var newValues = new JsonObject();
            var count = 1 + Skewed(3);
            for (var i = 0; i < count; i++)
            {
                var property = s_properties[(resourceNumber + i) % s_properties.Length];
                var (before, after) = Values(property);
                changes.Add(new AuditChange { Property = property, Old = JsonValue.Create(before), New = JsonValue.Create(after) });
                oldValues[property] = before;
                newValues[property] = after;
            }

            auditEvent.Changes = changes;
            auditEvent.OldValues = oldValues;
            auditEvent.NewValues = newValues;
        }
        else if (action == AuditActions.Create)
        {
            auditEvent.NewValues = new JsonObject { ["name"] = resourceName, ["status"] = "active", ["owner"] = userId };
        }
        else if (action == AuditActions.Delete)
        {
            auditEvent.OldValues = new JsonObject { ["name"] = resourceName, ["status"] = s_statuses[_random.Next(s_statuses.Length)] };
        }

        if (action is AuditActions.Export or AuditActions.PermissionGrant or AuditActions.RoleAssign)
        {
            auditEvent.Tags = ["SOX"];
            auditEvent.DataClassification = "confidential";
        }

        return (_tenantIds[tenant], auditEvent);
    }

    private string PickAction()
    {
        var pick = _random.Next(_actionTotal);
        foreach (var (action, weight) in s_actions)
        {
            if ((pick -= weight) < 0)
            {
                return action;
            }
        }

        return AuditActions.Read;
    }

    private static AuditSeverity SeverityOf(string action) => action switch
    {
        AuditActions.Read or AuditActions.Login or AuditActions.Logout => AuditSeverity.Low,
        AuditActions.LoginFailed or AuditActions.PermissionGrant => AuditSeverity.Critical,
        AuditActions.Export or AuditActions.ConfigUpdate or AuditActions.RoleAssign or AuditActions.PasswordChange or AuditActions.Import => AuditSeverity.High,
        _ => AuditSeverity.Medium,
    };

    private static string Describe(string action, string resource, string name, string userId) => action switch
    {
        AuditActions.Login => $"{userId} signed in",
        AuditActions.Logout => $"{userId} signed out",
        AuditActions.LoginFailed => $"Failed sign-in for {userId}: wrong password",
        AuditActions.PasswordChange => $"{userId} changed their password",
        AuditActions.Read => $"Viewed {resource.ToLowerInvariant()} {name}",
        AuditActions.Update => $"Updated {resource.ToLowerInvariant()} {name}",
        AuditActions.Create => $"Created {resource.ToLowerInvariant()} {name}",
        AuditActions.Delete => $"Deleted {resource.ToLowerInvariant()} {name}",
        AuditActions.Export => $"Exported {resource.ToLowerInvariant()} records to CSV",
        AuditActions.ConfigUpdate => "Changed application settings",
        _ => $"{action.ToLowerInvariant()} on {resource.ToLowerInvariant()} {name}",
    };

    private (string Before, string After) Values(string property) => property switch
    {
        "Status" => (s_statuses[_random.Next(s_statuses.Length)], s_statuses[_random.Next(s_statuses.Length)]),
        "Address.City" => (s_cities[_random.Next(s_cities.Length)], s_cities[_random.Next(s_cities.Length)]),
        _ => (_random.Next(1000).ToString(CultureInfo.InvariantCulture), _random.Next(1000).ToString(CultureInfo.InvariantCulture)),
    };

    // Each user works from one or two usual addresses, sometimes a third (travel, mobile).
    private string UserAddress(int tenant, int user)
    {
        var which = _random.Next(20) switch { < 14 => 0, < 19 => 1, _ => 2 };
        var n = (user * 3) + which;
        return string.Create(CultureInfo.InvariantCulture, $"10.{tenant}.{(n / 250) % 250}.{(n % 250) + 1}");
    }

    // Zero-based index in [0, max): low indexes far more often (a few users, resources, addresses carry most traffic).
    private int Skewed(int max) => (int)(max * Math.Pow(_random.NextDouble(), 2.5));
}
