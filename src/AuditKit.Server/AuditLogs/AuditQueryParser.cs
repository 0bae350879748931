using System.Globalization;
using System.Net;
using AuditKit.Server.Common;
using AuditKit.Server.Ingest;
using AuditKit.Server.Storage;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// Checks the list query string and turns it into an <see cref="AuditEventQuery"/>; every bad value becomes an error
/// keyed by its parameter name. Shared by every endpoint that lists events.
/// </summary>
internal static class AuditQueryParser
{
    private const int MaxFilterLength = 512;

    /// <summary>
    /// PostgreSQL text cannot hold NUL (and stored text never does: it is replaced on the way in), so a filter with
    /// one is refused on every provider alike.
    /// </summary>
    internal const string NulMessage = "must not contain the NUL character (%00, U+0000).";

    /// <summary>The accepted <c>sort_by</c> values.</summary>
    public static IReadOnlyDictionary<string, AuditSortField> SortFields { get; } = new Dictionary<string, AuditSortField>(StringComparer.OrdinalIgnoreCase)
    {
        ["timestamp"] = AuditSortField.Timestamp,
        ["received_at"] = AuditSortField.ReceivedAt,
        ["severity"] = AuditSortField.Severity,
        ["action"] = AuditSortField.Action,
        ["user_id"] = AuditSortField.UserId,
        ["resource_type"] = AuditSortField.ResourceType,
        ["status_code"] = AuditSortField.StatusCode,
        ["duration_ms"] = AuditSortField.DurationMs,
    };

    /// <summary>Parses <paramref name="parameters"/>; returns false with <paramref name="errors"/> when any is bad.</summary>
    public static bool TryParse(
        AuditLogQueryParameters parameters,
        AuditKitServerOptions options,
        out AuditEventQuery query,
        out Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        var failures = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => failures[field] = [message];

        string? Filter(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }

            var trimmed = value.Trim();
            if (trimmed.Length > MaxFilterLength)
            {
                Fail(field, $"must be at most {MaxFilterLength} characters.");
                return null;
            }

            if (trimmed.Contains('\0', StringComparison.Ordinal))
            {
                Fail(field, NulMessage);
                return null;
            }

            return trimmed;
        }

        var action = Filter("action", parameters.Action);
        if (action is not null)
        {
            action = AuditActions.Normalize(action);
        }

        AuditStatus? status = null;
        if (Filter("status", parameters.Status) is { } statusText)
        {
            if (AuditEnumNames.TryParseStatus(statusText, out var parsedStatus))
            {
                status = parsedStatus;
            }
            else
            {
                Fail("status", $"must be one of {AuditEnumNames.StatusList}.");
            }
        }

        AuditSeverity? severity = null;
        if (Filter("severity", parameters.Severity) is { } severityText)
        {
            if (AuditEnumNames.TryParseSeverity(severityText, out var parsedSeverity))
            {
                severity = parsedSeverity;
            }
            else
            {
                Fail("severity", $"must be one of {AuditEnumNames.SeverityList}.");
            }
        }

        var ipAddress = Filter("ip_address", parameters.IpAddress);
        if (ipAddress is not null && !IPAddress.TryParse(ipAddress, out _))
        {
            Fail("ip_address", "must be an IPv4 or IPv6 address.");
        }

        var source = Filter("source", parameters.Source)?.ToLowerInvariant();
        if (source is not null && !AuditSources.IsKnown(source))
        {
            Fail("source", $"must be one of {string.Join(", ", AuditSources.All)}.");
        }

        var from = Date("from_date", parameters.FromDate ?? parameters.StartDate, Fail);
        var to = Date("to_date", parameters.ToDate ?? parameters.EndDate, Fail);
        if (from is { } f && to is { } t && f > t)
        {
            Fail("from_date", "must not be after to_date.");
        }

        var limit = options.DefaultPageSize;
        if (!string.IsNullOrWhiteSpace(parameters.Limit))
        {
            if (!int.TryParse(parameters.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > options.MaxPageSize)
            {
                Fail("limit", $"must be an integer between 1 and {options.MaxPageSize}.");
            }
        }

        var offset = 0;
        if (!string.IsNullOrWhiteSpace(parameters.Offset))
        {
            if (!int.TryParse(parameters.Offset, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
            {
                Fail("offset", "must be an integer, zero or more.");
            }
        }

        AuditSortField? sortBy = null;
        if (!string.IsNullOrWhiteSpace(parameters.SortBy))
        {
            if (SortFields.TryGetValue(parameters.SortBy.Trim(), out var field))
            {
                sortBy = field;
            }
            else
            {
                Fail("sort_by", $"must be one of {string.Join(", ", SortFields.Keys)}.");
            }
        }

        bool? descending = null;
        if (!string.IsNullOrWhiteSpace(parameters.SortOrder))
        {
            descending = parameters.SortOrder.Trim().ToLowerInvariant() switch
            {
                "desc" or "descending" => true,
                "asc" or "ascending" => false,
                _ => null,
            };
            if (descending is null)
            {
                Fail("sort_order", "must be asc or desc.");
            }
        }

        AuditCursor? cursor = null;
        if (!string.IsNullOrWhiteSpace(parameters.Cursor))
        {
            if (!AuditCursorCodec.TryDecode(parameters.Cursor.Trim(), out var decoded))
            {
                Fail("cursor", "is not a cursor this server issued (pass back 'next_cursor' unchanged).");
            }
            else if ((sortBy is { } s && s != decoded.SortBy) || (descending is { } d && d != decoded.Descending))
            {
                Fail("cursor", "was issued for another sort_by / sort_order; keep them unchanged while paging (or omit them).");
            }
            else
            {
                cursor = decoded;
            }
        }

        // Full-text search evaluates the match on every candidate row, so counting all matches costs a scan of the
        // whole range: its total is counted only when asked for. Other filters count (up to the cap) by default.
        var search = Filter("search", parameters.Search);
        var includeTotal = search is null;
        long? totalCap = options.TotalCountCap;
        if (!string.IsNullOrWhiteSpace(parameters.IncludeTotal))
        {
            var text = parameters.IncludeTotal.Trim();
            if (string.Equals(text, "exact", StringComparison.OrdinalIgnoreCase))
            {
                totalCap = null;
                includeTotal = true;
            }
            else if (!bool.TryParse(text, out includeTotal))
            {
                Fail("include_total", "must be true, false or exact.");
            }
        }

        query = new AuditEventQuery
        {
            Action = action,
            Category = Filter("category", parameters.Category ?? parameters.LogType),
            ResourceType = Filter("resource", parameters.Resource ?? parameters.ResourceType),
            ResourceId = Filter("resource_id", parameters.ResourceId),
            UserId = Filter("user_id", parameters.UserId),
            Status = status,
            Severity = severity,
            IpAddress = ipAddress,
            ServiceName = Filter("service_name", parameters.ServiceName),
            Source = source,
            TraceId = Filter("trace_id", parameters.TraceId),
            Search = search,
            From = from,
            To = to,
            Limit = limit,
            Offset = cursor is null ? offset : 0,
            SortBy = cursor?.SortBy ?? sortBy ?? AuditSortField.Timestamp,
            Descending = cursor?.Descending ?? descending ?? true,
            Cursor = cursor,
            IncludeTotal = includeTotal,
            TotalCap = totalCap,
        };
        errors = failures;
        return failures.Count == 0;
    }

    private static DateTimeOffset? Date(string field, string? value, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (RfcDateTime.TryParse(value, out var date))
        {
            return date;
        }

        fail(field, "must be an RFC 3339 date-time, e.g. 2024-05-01T00:00:00Z.");
        return null;
    }
}
