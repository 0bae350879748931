namespace AuditKit.Server.Integrity;

/// <summary>
/// Recomputes a run of a tenant's chain: each event's hash must be SHA-256(previous hash || its canonical bytes) and
/// equal the stored one, seqs must follow each other with no gap, and every witness mark in the range must match.
/// Reads the events as they come (one keyset page from a store, one line from an export), so memory stays flat. The
/// same check serves the API, the <c>verify</c> command against the database, and the command against an export.
/// </summary>
internal static class AuditChainVerifier
{
    // How far past a mismatch to look for the event that belongs there (a swapped pair further apart reads as
    // hash_mismatch, still at the right seq).
    private const int ReorderLookahead = 256;

    /// <summary>
    /// Verifies <paramref name="rows"/> (by ascending seq) as the run <paramref name="fromSeq"/>..<paramref name="toSeq"/>
    /// linked after <paramref name="previousHash"/>. <paramref name="chained"/> says whether the event before the run
    /// had a hash (events without one are only allowed before the first that has one). <paramref name="headHash"/>,
    /// when the run ends at the tenant's head, is the head's hash, which the last event must have.
    /// </summary>
    public static async Task<ChainVerification> VerifyAsync(
        IAsyncEnumerable<AuditEventRow> rows,
        long fromSeq,
        long toSeq,
        byte[] previousHash,
        bool chained,
        byte[]? headHash,
        IReadOnlyList<ChainWitnessMark> marks,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(marks);
        var pendingMarks = new Queue<ChainWitnessMark>(marks.Where(m => m.Seq >= fromSeq && m.Seq <= toSeq).OrderBy(static m => m.Seq));

        // Where retention deleted a run of seqs, the signed anchor at its last seq holds the hash the chain resumes from.
        var anchors = new Dictionary<long, byte[]>();
        foreach (var anchor in marks.Where(m => m.Anchor && m.Failure is null && m.Seq >= fromSeq && m.Seq <= toSeq))
        {
            anchors.TryAdd(anchor.Seq, anchor.Hash);
        }

        // Where an erasure rewrote an event's JSON fields, its signed anchors (stored hash, hash of the rewritten bytes).
        var erasures = marks.Where(m => m.Rewritten is not null && m.Seq >= fromSeq && m.Seq <= toSeq).ToLookup(static m => m.Seq);

        var scratch = new CanonicalWriter();
        var expected = fromSeq;
        var previous = previousHash;
        long verified = 0;
        long legacy = 0;
        long? first = null;

        await using var cursor = rows.GetAsyncEnumerator(cancellationToken);
        var lookahead = new List<AuditEventRow>();
        var position = 0;
        async ValueTask<AuditEventRow?> NextAsync()
        {
            if (position < lookahead.Count)
            {
                return lookahead[position++];
            }

            lookahead.Clear();
            position = 0;
            return await cursor.MoveNextAsync().ConfigureAwait(false) ? cursor.Current : null;
        }

        while (await NextAsync().ConfigureAwait(false) is { } row)
        {
            if (row.Seq > toSeq)
            {
                break;
            }

            if (row.Seq > expected)
            {
                if (ResumeAfterCut(row.Seq - 1) is { } gap)
                {
                    return gap;
                }
            }

            if (row.Seq < expected)
            {
                // A seq given twice (an edited export): one of them is out of place.
                return ChainVerification.Broken(row.Seq, ChainBreakReasons.Reordered);
            }

            if (row.Hash is null)
            {
                if (chained)
                {
                    return ChainVerification.Broken(row.Seq, ChainBreakReasons.HashMismatch);
                }

                // A legacy event links nothing: the head after it still holds the genesis hash.
                if (MarkFailure(row.Seq, previous) is { } legacyBreak)
                {
                    return legacyBreak;
                }

                legacy++;
                first ??= row.Seq;
                expected++;
                continue;
            }

            var hash = AuditEventCanonicalForm.Hash(previous, row, scratch);
            if (!hash.AsSpan().SequenceEqual(row.Hash) && !Erased(row))
            {
                // A forged anchor at this seq is what the rewritten event would need: it is named.
                if (erasures[row.Seq].FirstOrDefault(static m => m.Failure is not null) is { } forged)
                {
                    return ChainVerification.Broken(forged.Seq, forged.Failure!);
                }

                var reason = await BelongsElsewhereAsync(row.Seq, previous).ConfigureAwait(false)
                    ? ChainBreakReasons.Reordered
                    : ChainBreakReasons.HashMismatch;
                return ChainVerification.Broken(row.Seq, reason);
            }

            if (MarkFailure(row.Seq, row.Hash) is { } markBreak)
            {
                return markBreak;
            }

            chained = true;
            previous = row.Hash;
            first ??= row.Seq;
            verified++;
            expected++;
        }

        if (expected <= toSeq && ResumeAfterCut(toSeq) is { } end)
        {
            // The head (or the range asked for) says events up to toSeq were stored; the run ended before, and no anchor
            // says retention deleted them.
            return end;
        }

        if (pendingMarks.TryPeek(out var late))
        {
            return ChainVerification.Broken(late.Failure is null ? expected : late.Seq, late.Failure ?? ChainBreakReasons.Missing);
        }

        if (headHash is not null && !headHash.AsSpan().SequenceEqual(previous))
        {
            return ChainVerification.Broken(toSeq, ChainBreakReasons.HashMismatch);
        }

        return new ChainVerification
        {
            Ok = true,
            VerifiedEvents = verified,
            LegacyEvents = legacy,
            FirstSeq = first,
            LastSeq = first is null ? null : expected - 1,
            HeadHash = verified > 0 ? previous : null,
        };

        // Whether a valid erasure anchor says this event, stored with this hash, was rewritten into these very bytes: the
        // stored hash is then taken as the link (the signed anchor vouches for it as it was when the erasure ran).
        bool Erased(AuditEventRow row)
        {
            if (!erasures.Contains(row.Seq))
            {
                return false;
            }

            var rewritten = System.Security.Cryptography.SHA256.HashData(AuditEventCanonicalForm.Encode(row));
            return erasures[row.Seq].Any(m => m.Failure is null && m.Hash.AsSpan().SequenceEqual(row.Hash) && m.Rewritten.AsSpan().SequenceEqual(rewritten));
        }

        // Seqs expected..lastGone hold no event: fine when a valid anchor at lastGone says retention deleted them, and the
        // chain goes on from its hash (marks inside the gap can no longer be compared, but one that fails by itself, a
        // forged anchor, is still reported). Otherwise the first of them is missing (a forged anchor in the gap is named
        // instead: it claims the cut that the missing events would need).
        ChainVerification? ResumeAfterCut(long lastGone)
        {
            if (!anchors.TryGetValue(lastGone, out var anchorHash))
            {
                while (pendingMarks.TryPeek(out var inGap) && inGap.Seq <= lastGone)
                {
                    pendingMarks.Dequeue();
                    if (inGap is { Anchor: true, Failure: { } failure })
                    {
                        return ChainVerification.Broken(inGap.Seq, failure);
                    }
                }

                return ChainVerification.Broken(expected, ChainBreakReasons.Missing);
            }

            while (pendingMarks.TryPeek(out var mark) && mark.Seq <= lastGone)
            {
                pendingMarks.Dequeue();
                if (mark.Failure is { } failure)
                {
                    return ChainVerification.Broken(mark.Seq, failure);
                }

                if (mark.Seq == lastGone && !mark.Hash.AsSpan().SequenceEqual(anchorHash))
                {
                    return ChainVerification.Broken(mark.Seq, ChainBreakReasons.HashMismatch);
                }
            }

            previous = anchorHash;
            chained = true;
            expected = lastGone + 1;
            return null;
        }

        // The first mark up to this seq that the link (seq, hash) contradicts, or that fails by itself.
        ChainVerification? MarkFailure(long seq, byte[] linkHash)
        {
            while (pendingMarks.TryPeek(out var mark) && mark.Seq <= seq)
            {
                pendingMarks.Dequeue();
                if (mark.Failure is { } failure)
                {
                    return ChainVerification.Broken(mark.Seq, failure);
                }

                if (mark.Seq < seq || !mark.Hash.AsSpan().SequenceEqual(linkHash))
                {
                    return ChainVerification.Broken(mark.Seq, ChainBreakReasons.HashMismatch);
                }
            }

            return null;
        }

        // Whether a later event, put at this seq, links after the previous hash: then the two were swapped.
        async ValueTask<bool> BelongsElsewhereAsync(long seq, byte[] before)
        {
            while (lookahead.Count - position < ReorderLookahead && await cursor.MoveNextAsync().ConfigureAwait(false))
            {
                lookahead.Add(cursor.Current);
            }

            for (var i = position; i < lookahead.Count; i++)
            {
                var candidate = lookahead[i];
                if (candidate.Hash is null)
                {
                    continue;
                }

                var stored = candidate.Seq;
                candidate.Seq = seq;
                var linked = AuditEventCanonicalForm.Hash(before, candidate, scratch).AsSpan().SequenceEqual(candidate.Hash);
                candidate.Seq = stored;
                if (linked)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
