using System.Globalization;

namespace AuditKit.LoadTool;

/// <summary>
/// Everyday traffic for the detection benchmark (<c>--mix benign</c>): 2000 users equally busy, each from their own
/// two IPs, mostly reading and updating, deleting 1 event in 25 and exporting 1 in 200, signing in now and then with an
/// occasional typo — no user near a rule's threshold, as opposed to the default mix, whose few very busy users
/// delete and export all the time.
/// </summary>
internal sealed class BenignLoadEvents(int seed)
{
    private static readonly string[] s_resources = ["Customer", "Order", "Invoice", "Product", "Shipment"];
    private readonly Random _random = new(seed);

    public AuditEvent Next(DateTimeOffset at)
    {
        var user = _random.Next(2000);
        var roll = _random.Next(1000);
        var (action, status, severity) = roll switch
        {
            < 2 => (AuditActions.LoginFailed, AuditStatus.Failure, AuditSeverity.Critical),
            < 40 => (AuditActions.Login, AuditStatus.Success, AuditSeverity.Low),
            < 600 => (AuditActions.Read, AuditStatus.Success, AuditSeverity.Low),
            < 900 => (AuditActions.Update, AuditStatus.Success, AuditSeverity.Medium),
            < 955 => (AuditActions.Create, AuditStatus.Success, AuditSeverity.Medium),
            < 995 => (AuditActions.Delete, AuditStatus.Success, AuditSeverity.High),
            _ => (AuditActions.Export, AuditStatus.Success, AuditSeverity.High),
        };
        var resource = s_resources[_random.Next(s_resources.Length)];
        var resourceId = _random.Next(1, 50_000).ToString(CultureInfo.InvariantCulture);
        var auditEvent = LoadEvents.OnResource(at, action, resource, resourceId, user);
        auditEvent.Status = status;
        auditEvent.Severity = severity;
        auditEvent.ServiceName = "crm-web";
        auditEvent.Method = "POST";
        auditEvent.StatusCode = status == AuditStatus.Failure ? 401 : 200;
        auditEvent.DurationMs = Math.Round(_random.NextDouble() * 80, 2);
        auditEvent.IpAddress = $"10.{user % 200}.{user / 200}.{(_random.Next(2) * 100) + 1}";
        return auditEvent;
    }
}
