using System.ComponentModel;
using AuditKit.Server.Admin;
using AuditKit.Server.Auth;
using Microsoft.AspNetCore.Authorization;

namespace AuditKit.Server.Integrity;

/// <summary>
/// The integrity endpoints. <c>GET /api/v1/integrity/verify</c> (read role): recomputes the calling key's tenant's hash
/// chain and says whether it holds, or where it first breaks and why; recorded in the tenant's log like every read.
/// <c>GET /api/v1/integrity/checkpoints</c> (read role, the key's tenant only, keyset paged by seq) and
/// <c>GET /api/v1/integrity/public-keys</c> (any authenticated caller: public keys are not secret, and a caller of any
/// role may want to check what it was given).
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

        var reads = endpoints.MapGroup(RoutePrefix).WithTags("Integrity");
        reads.RequireRateLimiting(AuditKitRateLimitPolicies.Read);
        reads.MapGet("/checkpoints", ListCheckpointsAsync)
            .RequireAuthorization(AuditKitPolicies.Read)
            .WithName("ListCheckpoints")
            .WithSummary("Lists the tenant's signed checkpoints by seq, with a seq range and cursor paging.")
            .WithDescription(
                "Each checkpoint signs (tenant_id, seq, hash, signed_at, key_id, kind) with the key key_id; docs/integrity.md gives the signed " +
                "bytes and how to check a signature with openssl.");

        reads.MapGet("/public-keys", PublicKeys)
            .RequireAuthorization(new AuthorizationPolicyBuilder(ApiAuthenticationSchemes.Api).RequireAuthenticatedUser().Build())
            .WithName("ListPublicKeys")
            .WithSummary("The public keys checkpoints are verified with: the active one and those rotated out.");
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
        var result = await VerifyCoreAsync(context, caller, caller.TenantId!, fromSeq, toSeq, verification, recorder, cancellationToken);
        return TypedResults.Ok(ChainVerificationResponse.From(result));
    }

    /// <summary>
    /// Verifies <paramref name="tenantId"/>'s chain between the seqs given and records the verification (a READ of the
    /// chain by <paramref name="caller"/>, critical when it is broken) before the result is returned: the API's verify
    /// and the console's Integrity page.
    /// </summary>
    internal static async Task<ChainVerification> VerifyCoreAsync(
        HttpContext context,
        AuditCaller caller,
        string tenantId,
        long? fromSeq,
        long? toSeq,
        AuditChainVerification verification,
        AdminAuditRecorder recorder,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(verification);
        ArgumentNullException.ThrowIfNull(recorder);
        var result = await verification.VerifyAsync(tenantId, fromSeq, toSeq, cancellationToken);

        // The answer is given only once the verification is recorded.
        var verdict = result.Ok
            ? string.Create(CultureInfo.InvariantCulture, $"Audit chain verified: {result.VerifiedEvents} events, ok.")
            : string.Create(CultureInfo.InvariantCulture, $"Audit chain verified: broken at seq {result.FirstBrokenSeq} ({result.Reason}).");
        await recorder.RecordReadAsync(
            context, caller, tenantId, AuditedRead.ReadAction, ChainResourceType, tenantId, "Audit chain", result.Ok ? AuditSeverity.Low : AuditSeverity.Critical,
            verdict, AuditedRead.Filter(context.Request), result.VerifiedEvents, cancellationToken);
        return result;
    }

    private static async Task<Results<Ok<CheckpointListResponse>, ValidationProblem>> ListCheckpointsAsync(
        HttpContext context,
        [AsParameters] CheckpointQueryParameters parameters,
        ICheckpointStore store,
        IOptions<AuditKitServerOptions> options,
        CancellationToken cancellationToken)
    {
        var caller = AuditCaller.From(context.User);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var from = Seq(parameters.FromSeq, "from_seq", errors);
        var to = Seq(parameters.ToSeq, "to_seq", errors);
        if (from is { } f && to is { } t && f > t)
        {
            errors["to_seq"] = ["must not be less than from_seq."];
        }

        var limit = options.Value.DefaultPageSize;
        if (!string.IsNullOrWhiteSpace(parameters.Limit)
            && (!int.TryParse(parameters.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > options.Value.MaxPageSize))
        {
            errors["limit"] = [$"must be a whole number from 1 to {options.Value.MaxPageSize}."];
        }

        long? afterSeq = null;
        string? afterKind = null;
        if (!string.IsNullOrEmpty(parameters.Cursor))
        {
            if (CheckpointCursor.TryDecode(parameters.Cursor, out var seq, out var kind))
            {
                (afterSeq, afterKind) = (seq, kind);
            }
            else
            {
                errors["cursor"] = ["is not a cursor this server gave out (pass next_cursor unchanged)."];
            }
        }

        if (errors.Count > 0)
        {
            return ValidationErrors.InvalidQuery(errors);
        }

        // One more than the page: whether it exists says whether there is a next page.
        var rows = await store.ListAsync(caller.TenantId!, new CheckpointQuery(from, to, limit + 1, afterSeq, afterKind), cancellationToken);
        var page = rows.Take(limit).ToList();
        var next = rows.Count > limit ? CheckpointCursor.Encode(page[^1].Seq, page[^1].Kind) : null;
        return TypedResults.Ok(new CheckpointListResponse([.. page.Select(CheckpointResponse.From)], limit, next));
    }

    private static Ok<SigningKeyListResponse> PublicKeys(SigningKeyRing keys) =>
        TypedResults.Ok(new SigningKeyListResponse([.. keys.Keys.Select(static k => new SigningKeyResponse(k.KeyId, SigningKey.Algorithm, k.PublicKeyPem, k.Active))]));

    private static long? Seq(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return seq;
        }

        errors[field] = ["must be a whole number, 0 or more."];
        return null;
    }
}
