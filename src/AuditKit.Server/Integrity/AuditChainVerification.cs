namespace AuditKit.Server.Integrity;

/// <summary>
/// Verifies a tenant's chain as stored: from <c>from_seq</c> (default 1) to <c>to_seq</c> (default: the head read
/// first, so events stored while it runs are left for the next check). A run starting after seq 1 links after the
/// stored hash of the event before it, taken as given (docs/integrity.md, "What it proves"). A run that ends at the
/// head also checks the head's hash, so events cut off the end are found.
/// </summary>
internal sealed class AuditChainVerification(IAuditChainStore store, IEnumerable<IChainWitness> witnesses)
{
    public async Task<ChainVerification> VerifyAsync(string tenantId, long? fromSeq, long? toSeq, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var from = fromSeq ?? 1;
        ArgumentOutOfRangeException.ThrowIfLessThan(from, 1, nameof(fromSeq));
        var head = await store.ReadHeadAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var headSeq = head?.Seq ?? 0;
        var to = Math.Min(toSeq ?? headSeq, headSeq);

        if (from > to)
        {
            return await OutsideChainAsync(tenantId, cancellationToken).ConfigureAwait(false) ?? new ChainVerification { Ok = true };
        }

        var previous = new byte[AuditEventCanonicalForm.HashLength];
        var chained = false;
        if (from > 1)
        {
            var before = await store.ReadLinkAsync(tenantId, from - 1, cancellationToken).ConfigureAwait(false);
            if (before is null)
            {
                // Deleted by retention: its signed anchor holds the hash the run links after.
                if (await AnchorAtAsync(tenantId, from - 1, cancellationToken).ConfigureAwait(false) is not { } anchor)
                {
                    return ChainVerification.Broken(from - 1, ChainBreakReasons.Missing);
                }

                if (anchor.Failure is { } failure)
                {
                    return ChainVerification.Broken(anchor.Seq, failure);
                }

                previous = anchor.Hash;
                chained = true;
            }
            else if (before.Value.Hash is { } hash)
            {
                previous = hash;
                chained = true;
            }
        }

        // A run that ends at the head also asks the witnesses past it: a checkpoint signed at a seq the head no longer
        // reaches means events were cut off the end and the head rewound.
        var marksTo = to == headSeq ? toSeq ?? long.MaxValue : to;
        var marks = new List<ChainWitnessMark>();
        ChainWitnessMark? pastHead = null;
        foreach (var witness in witnesses)
        {
            await foreach (var mark in witness.ReadMarksAsync(tenantId, from, marksTo, cancellationToken).ConfigureAwait(false))
            {
                if (mark.Seq <= to)
                {
                    marks.Add(mark);
                }
                else if (pastHead is null || mark.Seq < pastHead.Seq)
                {
                    pastHead = mark;
                }
            }
        }

        var result = await AuditChainVerifier.VerifyAsync(
            store.StreamChainAsync(tenantId, from, to, cancellationToken), from, to, previous, chained,
            to == headSeq ? head!.Value.Hash : null, marks, cancellationToken).ConfigureAwait(false);
        if (!result.Ok)
        {
            return result;
        }

        if (await OutsideChainAsync(tenantId, cancellationToken).ConfigureAwait(false) is { } stray)
        {
            return stray;
        }

        return pastHead is null ? result : ChainVerification.Broken(pastHead.Seq, pastHead.Failure ?? ChainBreakReasons.Missing);
    }

    // The retention anchor at seq, if a witness has one (a valid one first).
    private async Task<ChainWitnessMark?> AnchorAtAsync(string tenantId, long seq, CancellationToken cancellationToken)
    {
        ChainWitnessMark? found = null;
        foreach (var witness in witnesses)
        {
            await foreach (var mark in witness.ReadMarksAsync(tenantId, seq, seq, cancellationToken).ConfigureAwait(false))
            {
                if (mark.Anchor && (found is null || (found.Failure is not null && mark.Failure is null)))
                {
                    found = mark;
                }
            }
        }

        return found;
    }

    // A row the server did not number (past the head, or below 1) breaks the chain whatever range is asked for.
    private async Task<ChainVerification?> OutsideChainAsync(string tenantId, CancellationToken cancellationToken) =>
        await store.FindOutsideChainAsync(tenantId, cancellationToken).ConfigureAwait(false) is { } stray
            ? ChainVerification.Broken(stray, ChainBreakReasons.HashMismatch)
            : null;
}
