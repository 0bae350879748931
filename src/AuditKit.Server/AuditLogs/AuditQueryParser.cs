using System.Net;
using AuditKit.Server.Ingest;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// Checks the list query string and turns it into an <see cref="AuditEventQuery"/>; every bad value becomes an error
/// keyed by its parameter name. Shared by every endpoint that lists events.
/// </summary>
internal static class AuditQueryParser
{
    private const int MaxFilterLength = 512;

    /// <summary>The most values one filter takes (and the most metadata filters of one query).</summary>
    public const int MaxFilterValues = 100;

    private const int MaxMetadataKeyLength = 128;

    /// <summary>The query parameter prefix of metadata containment filters: <c>metadata.{key}=value</c>.</summary>
    public const string MetadataPrefix = "metadata.";

    /// <summary>The accepted <c>time_range</c> values: events from now minus the range on.</summary>
    public static IReadOnlyDictionary<string, TimeSpan> TimeRanges { get; } = new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase)
    {
        ["1h"] = TimeSpan.FromHours(1),
        ["24h"] = TimeSpan.FromHours(24),
        ["7d"] = TimeSpan.FromDays(7),
        ["30d"] = TimeSpan.FromDays(30),
        ["90d"] = TimeSpan.FromDays(90),
    };

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

        // Several values: comma-separated and/or the parameter repeated (which binds as the values joined by commas).
        AnyOf<T> Values<T>(string field, string? value, Func<string, T?> convert)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return default;
            }

            var parts = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > MaxFilterValues)
            {
                Fail(field, $"must have at most {MaxFilterValues} values.");
                return default;
            }

            var values = new List<T?>(parts.Length);
            foreach (var part in parts)
            {
                if (Filter(field, part) is not { } text)
                {
                    return default;
                }

                var converted = convert(text);
                if (converted is null || failures.ContainsKey(field))
                {
                    return default;
                }

                values.Add(converted);
            }

            return AnyOf<T>.Of(values);
        }

        AnyOf<string> Texts(string field, string? value) => Values(field, value, static text => text);

        var action = Values("action", parameters.Action, AuditActions.Normalize);
        var actionCanonical = Values("action_canonical", parameters.ActionCanonical, AuditActions.Normalize);

        // Statuses or severities: their wire names in any case (AuditEnumNames).
        AnyOf<T> Names<T>(string field, string? value, AuditEnumNames.Parser<T> parse, string names) => Values<T>(field, value, text =>
        {
            if (parse(text, out var parsed))
            {
                return parsed;
            }

            Fail(field, $"must be one of {names} (comma-separated for several).");
            return default;
        });

        var status = Names<AuditStatus>("status", parameters.Status, AuditEnumNames.TryParseStatus, AuditEnumNames.StatusList);
        var severity = Names<AuditSeverity>("severity", parameters.Severity, AuditEnumNames.TryParseSeverity, AuditEnumNames.SeverityList);

        var ipAddress = Values("ip_address", parameters.IpAddress, text =>
        {
            if (IPAddress.TryParse(text, out _))
            {
                return text;
            }

            Fail("ip_address", "must be IPv4 or IPv6 addresses.");
            return null;
        });

        var source = Values("source", parameters.Source, text =>
        {
            var lower = text.ToLowerInvariant();
            if (AuditSources.IsKnown(lower))
            {
                return lower;
            }

            Fail("source", $"must be one of {string.Join(", ", AuditSources.All)}.");
            return null;
        });

        var metadata = Metadata(parameters.Request, Fail);

        var from = RfcDateTime.Parameter("from_date", parameters.FromDate ?? parameters.StartDate, Fail);
        var to = RfcDateTime.Parameter("to_date", parameters.ToDate ?? parameters.EndDate, Fail);
        if (from is { } f && to is { } t && f > t)
        {
            Fail("from_date", "must not be after to_date.");
        }

        if (!string.IsNullOrWhiteSpace(parameters.TimeRange))
        {
            if (!TimeRanges.TryGetValue(parameters.TimeRange.Trim(), out var range))
            {
                Fail("time_range", $"must be one of {string.Join(", ", TimeRanges.Keys)}.");
            }
            else if ((parameters.FromDate ?? parameters.StartDate ?? parameters.ToDate ?? parameters.EndDate) is not null)
            {
                Fail("time_range", "cannot be combined with from_date / to_date (or start_date / end_date): give one or the other.");
            }
            else
            {
                from = (parameters.Time ?? TimeProvider.System).GetUtcNow() - range;
            }
        }

        var limit = QueryNumbers.Count("limit", parameters.Limit, options.DefaultPageSize, options.MaxPageSize, Fail);
        var offset = QueryNumbers.Offset("offset", parameters.Offset, Fail);

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

        // Every list counts its matches up to the cap by default, full-text search too (the cap bounds the count's
        // cost); include_total=false skips the count.
        var search = Filter("search", parameters.Search);
        var includeTotal = true;
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
            ActionCanonical = actionCanonical,
            Category = Texts("category", parameters.Category ?? parameters.LogType),
            ResourceType = Texts("resource", parameters.Resource ?? parameters.ResourceType),
            ResourceId = Texts("resource_id", parameters.ResourceId),
            UserId = Texts("user_id", parameters.UserId),
            Username = Texts("username", parameters.Username),
            Status = status,
            Severity = severity,
            IpAddress = ipAddress,
            ServiceName = Texts("service_name", parameters.ServiceName),
            Source = source,
            TraceId = Texts("trace_id", parameters.TraceId),
            RequestId = Texts("request_id", parameters.RequestId),
            SessionId = Texts("session_id", parameters.SessionId),
            DataClassification = Texts("data_classification", parameters.DataClassification),
            Tags = Texts("tags", parameters.Tags),
            Metadata = metadata,
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

    // metadata.{key}=value, any number of keys (up to the cap), each pair required. Keys are top-level names; a value
    // is taken whole (commas included), and a key given twice must hold both values, which no event does.
    private static AnyOf<KeyValuePair<string, string>> Metadata(HttpRequest? request, Action<string, string> fail)
    {
        if (request is null)
        {
            return default;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in request.Query)
        {
            if (!name.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var key = name[MetadataPrefix.Length..];
            if (!IsMetadataKey(key))
            {
                fail(name, $"names a metadata key of 1 to {MaxMetadataKeyLength} letters, digits, '_' or '-' (top-level keys only).");
                continue;
            }

            foreach (var value in values)
            {
                var text = value?.Trim() ?? string.Empty;
                if (text.Length is 0 or > MaxFilterLength)
                {
                    fail(name, $"must be 1 to {MaxFilterLength} characters.");
                }
                else if (text.Contains('\0', StringComparison.Ordinal))
                {
                    fail(name, NulMessage);
                }
                else
                {
                    pairs.Add(new(key, text));
                }
            }
        }

        if (pairs.Count > MaxFilterValues)
        {
            fail(MetadataPrefix + "{key}", $"at most {MaxFilterValues} metadata filters.");
            return default;
        }

        return AnyOf<KeyValuePair<string, string>>.Of(pairs);
    }

    private static bool IsMetadataKey(string key) =>
        key.Length is > 0 and <= MaxMetadataKeyLength && key.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
