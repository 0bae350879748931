namespace AuditKit.Server.Integrity;

/// <summary>
/// The outcome of verifying (part of) a tenant's chain: either every event in the range links (<see cref="Ok"/>),
/// or the first seq where it does not and why (<see cref="ChainBreakReasons"/>).
/// </summary>
internal sealed record ChainVerification
{
    public required bool Ok { get; init; }

    /// <summary>Events whose hash was recomputed and matched.</summary>
    public long VerifiedEvents { get; init; }

    /// <summary>Events stored before the chain existed (a seq, no hash), passed over.</summary>
    public long LegacyEvents { get; init; }

    public long? FirstSeq { get; init; }

    public long? LastSeq { get; init; }

    /// <summary>The hash of the last event verified (the head of the range).</summary>
    public byte[]? HeadHash { get; init; }

    public long? FirstBrokenSeq { get; init; }

    public string? Reason { get; init; }

    public static ChainVerification Broken(long seq, string reason) => new() { Ok = false, FirstBrokenSeq = seq, Reason = reason };

    /// <summary>The one-line verdict of the <c>verify</c> command.</summary>
    public string Verdict(string tenantId) => Ok
        ? FormattableString.Invariant(
            $"ok: tenant {tenantId}: {VerifiedEvents} events verified (seq {FirstSeq?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}..{LastSeq?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}), head {(HeadHash is null ? "-" : Convert.ToHexStringLower(HeadHash))}{(LegacyEvents > 0 ? $", {LegacyEvents} events from before the chain" : string.Empty)}")
        : FormattableString.Invariant($"broken: tenant {tenantId}: first_broken_seq {FirstBrokenSeq} ({Reason})");
}
