namespace AuditKit.Server.Integrity;

/// <summary>
/// The answer of <c>GET /api/v1/integrity/verify</c>: <c>{"ok":true,"verified_events","first_seq","last_seq","head_hash"}</c>
/// or <c>{"ok":false,"first_broken_seq","reason"}</c> (nulls left out).
/// </summary>
internal sealed record ChainVerificationResponse(
    bool Ok,
    long? VerifiedEvents,
    long? LegacyEvents,
    long? FirstSeq,
    long? LastSeq,
    string? HeadHash,
    long? FirstBrokenSeq,
    string? Reason)
{
    public static ChainVerificationResponse From(ChainVerification result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Ok
            ? new(true, result.VerifiedEvents, result.LegacyEvents > 0 ? result.LegacyEvents : null, result.FirstSeq, result.LastSeq,
                result.HeadHash is null ? null : Convert.ToHexStringLower(result.HeadHash), null, null)
            : new(false, null, null, null, null, null, result.FirstBrokenSeq, result.Reason);
    }
}
