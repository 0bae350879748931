using System.Collections.Concurrent;
using AuditKit.Masking;

namespace AuditKit.Middleware;

/// <summary>
/// Remembers which query keys, header names and JSON property names <see cref="AuditMasker"/> finds sensitive, so a
/// request does not rebuild the canonical form of names it has seen before. Bounded: names past the limit are checked
/// every time, so a caller sending random keys cannot grow memory.
/// </summary>
internal sealed class SensitiveNames
{
    private const int Capacity = 2048;

    private readonly AuditMasker _masker;
    private readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public SensitiveNames(AuditMasker masker)
    {
        _masker = masker;
        _lookup = _known.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public AuditMasker Masker => _masker;

    public bool IsSensitive(string name)
    {
        if (_known.TryGetValue(name, out var sensitive))
        {
            return sensitive;
        }

        sensitive = _masker.IsSensitiveName(name);
        if (_known.Count < Capacity)
        {
            _known.TryAdd(name, sensitive);
        }

        return sensitive;
    }

    public bool IsSensitive(ReadOnlySpan<char> name)
    {
        if (_lookup.TryGetValue(name, out var sensitive))
        {
            return sensitive;
        }

        var text = name.ToString();
        sensitive = _masker.IsSensitiveName(text);
        if (_known.Count < Capacity)
        {
            _known.TryAdd(text, sensitive);
        }

        return sensitive;
    }
}
