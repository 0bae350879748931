namespace AuditKit.Server.AuditLogs;

/// <summary>
/// The seqs an export wrote, one bit each (an export comes in the list's order, not by seq): what picks the erasure
/// anchors of the exported events. A tenant's seqs start at 1 with no gaps, so ten million events take 1.25 MB.
/// </summary>
internal sealed class ExportedSeqs
{
    private ulong[] _bits = new ulong[64];

    /// <summary>The lowest seq added; <see cref="long.MaxValue"/> while none was.</summary>
    public long Min { get; private set; } = long.MaxValue;

    /// <summary>The highest seq added; 0 while none was.</summary>
    public long Max { get; private set; }

    public bool IsEmpty => Max == 0;

    public void Add(long seq)
    {
        if (seq < 1)
        {
            return;
        }

        var word = seq >> 6;
        if (word >= _bits.Length)
        {
            Array.Resize(ref _bits, (int)Math.Max(word + 1, Math.Min((long)_bits.Length * 2, Array.MaxLength)));
        }

        _bits[word] |= 1UL << (int)(seq & 63);
        Min = Math.Min(Min, seq);
        Max = Math.Max(Max, seq);
    }

    public bool Contains(long seq) =>
        seq >= 1 && (seq >> 6) < _bits.Length && (_bits[seq >> 6] & (1UL << (int)(seq & 63))) != 0;

    /// <summary>Whether any seq from <paramref name="from"/> to <paramref name="to"/> was added.</summary>
    public bool Any(long from, long to)
    {
        from = Math.Max(from, Min);
        to = Math.Min(to, Max);
        for (var seq = from; seq <= to;)
        {
            if ((seq & 63) == 0 && seq + 63 <= to)
            {
                if (_bits[seq >> 6] != 0)
                {
                    return true;
                }

                seq += 64;
                continue;
            }

            if (Contains(seq))
            {
                return true;
            }

            seq++;
        }

        return false;
    }
}
