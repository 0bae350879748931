namespace AuditKit.Server.Console;

/// <summary>The live tails each person holds open, so that one person cannot hold more than the configured number.</summary>
internal sealed class ConsoleTailConnections
{
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Counts a new tail of <paramref name="person"/>, unless the person already holds <paramref name="max"/>.</summary>
    public bool TryOpen(string person, int max)
    {
        lock (_lock)
        {
            var open = _open.GetValueOrDefault(person);
            if (open >= max)
            {
                return false;
            }

            _open[person] = open + 1;
            return true;
        }
    }

    /// <summary>Forgets one tail of <paramref name="person"/> (opened by <see cref="TryOpen"/>).</summary>
    public void Close(string person)
    {
        lock (_lock)
        {
            if (_open.TryGetValue(person, out var open))
            {
                if (open <= 1)
                {
                    _open.Remove(person);
                }
                else
                {
                    _open[person] = open - 1;
                }
            }
        }
    }

    /// <summary>How many tails <paramref name="person"/> holds open now.</summary>
    public int OpenBy(string person)
    {
        lock (_lock)
        {
            return _open.GetValueOrDefault(person);
        }
    }
}
