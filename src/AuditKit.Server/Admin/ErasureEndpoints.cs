using System.Security.Cryptography;
using AuditKit.Server.Auth;

namespace AuditKit.Server.Admin;

/// <summary>
/// <c>POST /api/v1/admin/tenants/{tenantId}/erasures</c>: erases a person's values (GDPR art. 17) from every event of
/// the tenant whose <c>user_id</c> is theirs, keeping the chain verifiable (see docs/integrity.md#erasure), and records
/// the erasure as a server record naming the subject only by its SHA-256.
/// </summary>
internal static partial class ErasureEndpoints
{
    /// <summary>The events erased per transaction.</summary>
    public const int BatchSize = 500;

    /// <summary>The <c>resource_type</c> of the record of an erasure.</summary>
    public const string ResourceType = "Erasure";

    public static RouteGroupBuilder MapErasureEndpoints(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapPost("/tenants/{tenantId}/erasures", EraseAsync)
            .ManagesTenant("CreateErasure", "Erases a user's personal values from every event of the tenant; the chain still verifies.")
            .Accepts<CreateErasureRequest>("application/json");
        return group;
    }

    /// <summary>The hex SHA-256 of <paramref name="subject"/>'s UTF-8 bytes: how records name an erased subject.</summary>
    public static string SubjectDigest(string subject) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject)));

    private static async Task<Results<Ok<ErasureResponse>, ValidationProblem, ProblemHttpResult>> EraseAsync(
        HttpContext context,
        string tenantId,
        IErasureStore erasures,
        IErasureAnchorSigner anchors,
        AdminAuditRecorder recorder,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var caller = AuditCaller.From(context.User);
        var (request, problem, invalid) = await AdminEndpoints.ReadAsync(context, AdminJsonContext.Default.CreateErasureRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (invalid is not null)
        {
            return invalid;
        }

        if (string.IsNullOrEmpty(request!.UserId) || request.UserId.Length > AuditEventLimits.UserId)
        {
            return TypedResults.ValidationProblem(
                ValidationErrors.ToDictionary([new AuditFieldError("user_id", $"is required: 1 to {AuditEventLimits.UserId} characters.")]),
                title: "The erasure request is not valid.");
        }

        // Each batch is its own transaction and takes no chain head lock: ingest goes on meanwhile. The loop ends as an
        // erased event no longer has the user_id. Once begun, the erasure and its record are not cancelled with the
        // request: a client that goes away does not leave events erased without a record.
        var subject = request.UserId;
        var id = Guid.CreateVersion7(timeProvider.GetUtcNow());

        // First the JSON fields of every event of the tenant that name one of the user's values (read before the columns
        // are erased), each rewritten event with an anchor that is then signed, so the chain still verifies.
        var needles = await erasures.SubjectValuesAsync(tenantId, subject, CancellationToken.None);
        var after = 0L;
        while (await erasures.EraseJsonAsync(tenantId, id, needles, after, BatchSize, CancellationToken.None) is { } last)
        {
            after = last;
        }

        var rewritten = await anchors.SignAsync(tenantId, id, CancellationToken.None);

        long erased = 0;
        int batch;
        do
        {
            batch = await erasures.EraseEventsAsync(tenantId, subject, BatchSize, CancellationToken.None);
            erased += batch;
        }
        while (batch > 0);

        await erasures.EraseDerivedAsync(tenantId, subject, CancellationToken.None);

        var digest = SubjectDigest(subject);
        await recorder.RecordAsync(
            context,
            caller,
            tenantId,
            new AdminAction(
                AuditActions.Delete, StatusCodes.Status200OK, ResourceType, id.ToString(), "sha256:" + digest, AuditSeverity.Critical,
                $"Personal values of one user erased from {erased} events of tenant '{tenantId}', and from the JSON fields of {rewritten}.")
            {
                Metadata = new JsonObject
                {
                    ["erasure_id"] = id.ToString(),
                    ["subject_sha256"] = digest,
                    ["events_erased"] = erased,
                    ["events_rewritten"] = rewritten,
                },
            },
            CancellationToken.None);
        LogErased(loggerFactory.CreateLogger(typeof(ErasureEndpoints)), erased, tenantId, caller.KeyPrefix, id);
        return TypedResults.Ok(new ErasureResponse(id, erased, rewritten));
    }

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning,
        Message = "Personal values of one user erased from {Count} events of tenant {TenantId} by key {CallerKeyPrefix} (erasure {ErasureId})")]
    private static partial void LogErased(ILogger logger, long count, string tenantId, string callerKeyPrefix, Guid erasureId);
}
