using System.ComponentModel;
using System.Globalization;
using AuditKit.Server.Admin;
using AuditKit.Server.Auth;
using AuditKit.Server.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AuditKit.Server.Integrity;

/// <summary>
/// <c>GET /api/v1/integrity/verify</c> (read role): recomputes the calling key's tenant's hash chain and says whether
/// it holds, or where it first breaks and why. Recorded in the tenant's log like every read.
/// </summary>
internal static class IntegrityEndpoints
{
    /// <summary>The route prefix of the integrity endpoints.</summary>
    public const string RoutePrefix = "/api/v1/integrity";

    /// <summary>The <c>resource_type</c> of the records of verifications.</summary>
    public const string ChainResourceType = "AuditChain";

    public static IEndpointRouteBuilder MapIntegrityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(RoutePrefix).WithTags("Integrity");
        group.MapGet("/verify", VerifyAsync)
            .RequireAuthorization(AuditKitPolicies.Read)
            .RequireRateLimiting(AuditKitRateLimitPolicies.LongRead)
            .WithName("VerifyAuditChain")
            .WithSummary("Recomputes the tenant's hash chain and says whether it holds.")
            .WithDescription(
                "Answers {\"ok\":true,\"verified_events\",\"first_seq\",\"last_seq\",\"head_hash\"} when every event from " +
                "from_seq (default 1) to to_seq (default: the tenant's last event) links, or {\"ok\":false,\"first_broken_seq\"," +
                "\"reason\"} with reason hash_mismatch, missing or reordered. See docs/integrity.md.");
        return endpoints;
    }

    private static async Task<Results<Ok<ChainVerificationResponse>, ValidationProblem>> VerifyAsync(
        HttpContext context,
        [FromQuery(Name = "from_seq"), Description("The first seq to verify (default 1).")] long? fromSeq,
        [FromQuery(Name = "to_seq"), Description("The last seq to verify (default: the tenant's last event).")] long? toSeq,
        AuditChainVerification verification,
        AdminAuditRecorder recorder,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (fromSeq is < 1)
        {
            errors["from_seq"] = ["must be 1 or more."];
        }

        if (toSeq is < 1 || (toSeq is { } to && fromSeq is { } from && to < from))
        {
            errors["to_seq"] = ["must be 1 or more, and not below from_seq."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The verification range is not valid.");
        }

        var caller = AuditCaller.From(context.User);
        var tenantId = caller.TenantId!;
        var result = await verification.VerifyAsync(tenantId, fromSeq, toSeq, cancellationToken);

        // The answer is given only once the verification is recorded.
        var verdict = result.Ok
            ? string.Create(CultureInfo.InvariantCulture, $"Audit chain verified: {result.VerifiedEvents} events, ok.")
            : string.Create(CultureInfo.InvariantCulture, $"Audit chain verified: broken at seq {result.FirstBrokenSeq} ({result.Reason}).");
        await recorder.RecordAsync(
            context,
            caller,
            tenantId,
            AuditedRead.Describe(
                caller, AuditedRead.ReadAction, ChainResourceType, tenantId, "Audit chain", result.Ok ? AuditSeverity.Low : AuditSeverity.Critical,
                verdict, AuditedRead.Filter(context.Request), result.VerifiedEvents),
            cancellationToken);
        return TypedResults.Ok(ChainVerificationResponse.From(result));
    }
}
