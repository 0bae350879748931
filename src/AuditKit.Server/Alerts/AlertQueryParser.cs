using AuditKit.Server.AuditLogs;
using AuditKit.Server.Detection;
using AuditKit.Server.Ingest;

namespace AuditKit.Server.Alerts;

/// <summary>Checks the alert list query string; every bad value becomes an error keyed by its parameter name.</summary>
internal static class AlertQueryParser
{
    private const int MaxKeyLength = 512;

    public static bool TryParse(AlertQueryParameters parameters, AuditKitServerOptions options, out AlertQuery query, out Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        var failures = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => failures[field] = [message];

        AlertStatus? status = null;
        var unresolved = false;
        if (!string.IsNullOrWhiteSpace(parameters.Status))
        {
            switch (parameters.Status.Trim().ToLowerInvariant())
            {
                case "open": status = AlertStatus.Open; break;
                case "acknowledged": status = AlertStatus.Acknowledged; break;
                case "resolved": status = AlertStatus.Resolved; break;
                case "unresolved": unresolved = true; break;
                default: Fail("status", "must be one of open, acknowledged, resolved, unresolved."); break;
            }
        }

        string? rule = null;
        if (!string.IsNullOrWhiteSpace(parameters.Rule))
        {
            rule = parameters.Rule.Trim().ToLowerInvariant();
            if (!AlertRules.All.Contains(rule, StringComparer.Ordinal))
            {
                Fail("rule", $"must be one of {string.Join(", ", AlertRules.All)}.");
            }
        }

        AuditSeverity? severity = null;
        if (!string.IsNullOrWhiteSpace(parameters.Severity))
        {
            if (AuditEnumNames.TryParseSeverity(parameters.Severity.Trim(), out var parsed))
            {
                severity = parsed;
            }
            else
            {
                Fail("severity", $"must be one of {AuditEnumNames.SeverityList}.");
            }
        }

        string? keyType = null;
        if (!string.IsNullOrWhiteSpace(parameters.KeyType))
        {
            keyType = parameters.KeyType.Trim().ToLowerInvariant();
            if (keyType is not (AlertRules.IpKey or AlertRules.UserKey or AlertRules.TenantKey))
            {
                Fail("key_type", "must be one of ip, user, tenant.");
            }
        }

        string? key = null;
        if (!string.IsNullOrWhiteSpace(parameters.Key))
        {
            key = parameters.Key.Trim();
            if (key.Length > MaxKeyLength)
            {
                Fail("key", $"must be at most {MaxKeyLength} characters.");
            }
            else if (key.Contains('\0', StringComparison.Ordinal))
            {
                Fail("key", AuditQueryParser.NulMessage);
            }
        }

        var from = RfcDateTime.Parameter("from_date", parameters.FromDate ?? parameters.From, Fail);
        var to = RfcDateTime.Parameter("to_date", parameters.ToDate ?? parameters.To, Fail);
        if (from is { } f && to is { } t && f > t)
        {
            Fail("from_date", "must not be after to_date.");
        }

        var severityFirst = false;
        if (!string.IsNullOrWhiteSpace(parameters.Sort))
        {
            switch (parameters.Sort.Trim().ToLowerInvariant())
            {
                case "last_seen": break;
                case "severity": severityFirst = true; break;
                default: Fail("sort", "must be last_seen or severity."); break;
            }
        }

        var limit = QueryNumbers.Count("limit", parameters.Limit, options.DefaultPageSize, options.MaxPageSize, Fail);
        var offset = QueryNumbers.Offset("offset", parameters.Offset, Fail);

        query = new AlertQuery
        {
            Status = status,
            UnresolvedOnly = unresolved,
            Rule = rule,
            Severity = severity,
            KeyType = keyType,
            Key = key,
            From = from,
            To = to,
            SeverityFirst = severityFirst,
            Limit = limit,
            Offset = offset,
        };
        errors = failures;
        return failures.Count == 0;
    }
}
