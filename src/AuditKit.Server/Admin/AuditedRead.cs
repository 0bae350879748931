using AuditKit.Server.Auth;

namespace AuditKit.Server.Admin;

/// <summary>
/// The record of a read of a tenant's data through the API (an export, an event read by id, a listing of keys or
/// webhooks), written to that tenant's log by <see cref="AdminAuditRecorder"/> once the read succeeded: who read (key
/// id, name and prefix), with which filter, and how many rows it was given. Reads that fail or are refused write
/// nothing; their requests never see a row.
/// </summary>
internal static class AuditedRead
{
    /// <summary>The <c>category</c> of read records.</summary>
    public const string Category = ServerRecords.AccessCategory;

    /// <summary>The action recorded for an export.</summary>
    public const string ExportAction = AuditActions.Export;

    /// <summary>The action recorded for other reads.</summary>
    public const string ReadAction = AuditActions.Read;

    /// <summary>The <c>resource_type</c> of the records of reads of audit events (exports, reads by id).</summary>
    public const string EventResourceType = "AuditEvent";

    private const int MaxFilterParameters = 32;
    private const int MaxFilterValueLength = 256;

    /// <summary>
    /// The query parameters of <paramref name="request"/> as the record's filter (each value cut to 256 characters,
    /// at most 32 of them): the filter exactly as the caller gave it, after it was found valid.
    /// </summary>
    public static JsonObject Filter(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var filter = new JsonObject();
        foreach (var (name, values) in request.Query.Take(MaxFilterParameters))
        {
            var value = values.ToString();
            filter[name] = value.Length <= MaxFilterValueLength ? value : value[..MaxFilterValueLength];
        }

        return filter;
    }

    /// <summary>
    /// Records, in <paramref name="tenantId"/>'s log, a read of <paramref name="rows"/> rows of
    /// <paramref name="resourceType"/> matching <paramref name="filter"/>: the caller's key and the filter in its
    /// metadata, and whether the read completed when it did not.
    /// </summary>
    public static Task RecordReadAsync(
        this AdminAuditRecorder recorder,
        HttpContext context,
        AuditCaller caller,
        string tenantId,
        string action,
        string resourceType,
        string resourceId,
        string resourceName,
        AuditSeverity severity,
        string description,
        JsonObject filter,
        long rows,
        CancellationToken cancellationToken,
        bool completed = true)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(caller);
        var metadata = new JsonObject
        {
            ["key_id"] = caller.KeyId,
            ["key_name"] = caller.KeyName,
            ["key_prefix"] = caller.KeyPrefix,
            ["filter"] = filter,
            ["rows"] = rows,
        };
        if (!completed)
        {
            metadata["completed"] = false;
        }

        var read = new AdminAction(action, StatusCodes.Status200OK, resourceType, resourceId, resourceName, severity, description)
        {
            Category = Category,
            Metadata = metadata,
        };
        return recorder.RecordAsync(context, caller, tenantId, read, cancellationToken);
    }
}
