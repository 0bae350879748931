using System.Globalization;
using AuditKit.Server.Auth;
using AuditKit.Server.Common;
using AuditKit.Server.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AuditKit.Server.Integrity;

/// <summary>
/// <c>GET /api/v1/integrity/checkpoints</c> (read role, the key's tenant only, keyset paged by seq) and
/// <c>GET /api/v1/integrity/public-keys</c> (any authenticated caller: public keys are not secret, and a caller of any
/// role may want to check what it was given).
/// </summary>
internal static class CheckpointEndpoints
{
    /// <summary>The route prefix of the integrity endpoints.</summary>
    public const string RoutePrefix = "/api/v1/integrity";

    public static IEndpointRouteBuilder MapCheckpointEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(RoutePrefix).WithTags("Integrity");
        group.RequireRateLimiting(AuditKitRateLimitPolicies.Read);

        group.MapGet("/checkpoints", ListAsync)
            .RequireAuthorization(AuditKitPolicies.Read)
            .WithName("ListCheckpoints")
            .WithSummary("Lists the tenant's signed checkpoints by seq, with a seq range and cursor paging.")
            .WithDescription(
                "Each checkpoint signs (tenant_id, seq, hash, signed_at, key_id, kind) with the key key_id; docs/integrity.md gives the signed " +
                "bytes and how to check a signature with openssl.");

        group.MapGet("/public-keys", PublicKeys)
            .RequireAuthorization(new AuthorizationPolicyBuilder(ApiAuthenticationSchemes.Api).RequireAuthenticatedUser().Build())
            .WithName("ListPublicKeys")
            .WithSummary("The public keys checkpoints are verified with: the active one and those rotated out.");
        return endpoints;
    }

    private static async Task<Results<Ok<CheckpointListResponse>, ValidationProblem>> ListAsync(
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
            return TypedResults.ValidationProblem(errors, title: "The query is not valid.");
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
