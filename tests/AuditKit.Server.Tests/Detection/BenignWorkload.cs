namespace AuditKit.Server.Tests.Detection;

/// <summary>
/// A generated week of a normal tenant: users working office hours from their usual IPs (office and home), signing
/// in with an occasional typo, reading, creating, updating and now and then deleting records, and exporting a
/// report once in a while. Deterministic for a seed; made in memory, in time order.
/// </summary>
public static class BenignWorkload
{
    private static readonly string[] s_resources = ["Customer", "Order", "Invoice", "Product", "Ticket"];

    public static List<AuditEvent> Generate(int count, int users, DateTimeOffset start, int seed = 7)
    {
        var random = new Random(seed);
        var events = new List<AuditEvent>(count + 64);
        var day = 0;
        while (events.Count < count)
        {
            var date = start.AddDays(day++);
            if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }

            for (var u = 0; u < users && events.Count < count; u++)
            {
                var user = "user-" + u.ToString(CultureInfo.InvariantCulture);
                var ip = random.Next(5) == 0 ? $"172.16.{u % 250}.{(u / 250) + 10}" : $"10.1.{u % 250}.{(u / 250) + 10}";

                // Two or three sessions a day, each starting at a random minute of office hours.
                var sessions = 2 + random.Next(2);
                for (var s = 0; s < sessions; s++)
                {
                    var at = date.AddHours(8).AddMinutes(random.Next(9 * 60));
                    if (random.Next(20) == 0)
                    {
                        events.Add(Make(ref at, random, user, ip, AuditActions.LoginFailed, AuditStatus.Failure, AuditSeverity.Critical, null));
                    }

                    events.Add(Make(ref at, random, user, ip, AuditActions.Login, AuditStatus.Success, AuditSeverity.Low, null));
                    var actions = 10 + random.Next(20);
                    for (var a = 0; a < actions; a++)
                    {
                        var roll = random.Next(100);
                        var (action, severity) = roll switch
                        {
                            < 60 => (AuditActions.Read, AuditSeverity.Low),
                            < 80 => (AuditActions.Update, AuditSeverity.Medium),
                            < 94 => (AuditActions.Create, AuditSeverity.Medium),
                            < 99 => (AuditActions.Delete, AuditSeverity.High),
                            _ => (AuditActions.Export, AuditSeverity.High),
                        };
                        events.Add(Make(ref at, random, user, ip, action, AuditStatus.Success, severity, s_resources[random.Next(s_resources.Length)]));
                    }

                    events.Add(Make(ref at, random, user, ip, AuditActions.Logout, AuditStatus.Success, AuditSeverity.Low, null));
                }
            }
        }

        events.Sort(static (a, b) => a.Timestamp.CompareTo(b.Timestamp));
        return events;
    }

    private static AuditEvent Make(
        ref DateTimeOffset at, Random random, string user, string ip, string action, AuditStatus status, AuditSeverity severity, string? resource)
    {
        // People take a few seconds to a couple of minutes between actions.
        at = at.AddSeconds(3 + random.Next(120));
        return new AuditEvent
        {
            Id = Guid.CreateVersion7(at),
            Timestamp = at,
            Source = AuditSources.Http,
            Action = action,
            Status = status,
            Severity = severity,
            UserId = user,
            IpAddress = ip,
            ResourceType = resource,
            ResourceId = resource is null ? null : random.Next(1, 5000).ToString(CultureInfo.InvariantCulture),
            ServiceName = "crm-web",
        };
    }
}
