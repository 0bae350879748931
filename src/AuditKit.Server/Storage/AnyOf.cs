using System.Collections;
using System.Collections.Immutable;

namespace AuditKit.Server.Storage;

/// <summary>
/// The values one exact-match filter accepts: an event matches when its column equals any of them. Empty (the default)
/// is no filter. A single value converts implicitly, so a filter is set as before (<c>Action = "LOGIN"</c>); a null
/// single value is no filter. Compared by its values, in order, so queries stay value-equal records.
/// </summary>
/// <typeparam name="T">The value type of the column.</typeparam>
internal readonly struct AnyOf<T> : IEquatable<AnyOf<T>>, IReadOnlyList<T>
{
    private readonly ImmutableArray<T> _values;

    private AnyOf(ImmutableArray<T> values) => _values = values;

    /// <summary>No filter.</summary>
    public static AnyOf<T> None => default;

    /// <summary>Whether any value is given (otherwise the filter is off).</summary>
    public bool IsSet => !_values.IsDefaultOrEmpty;

    public int Count => _values.IsDefault ? 0 : _values.Length;

    public T this[int index] => _values[index];

    /// <summary>The given values without duplicates, in the order first given; null values are left out.</summary>
    public static AnyOf<T> Of(IEnumerable<T?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var seen = new HashSet<T>();
        var builder = ImmutableArray.CreateBuilder<T>();
        foreach (var value in values)
        {
            if (value is not null && seen.Add(value))
            {
                builder.Add(value);
            }
        }

        return new AnyOf<T>(builder.ToImmutable());
    }

    public static implicit operator AnyOf<T>(T? value) => value is null ? default : new AnyOf<T>([value]);

    /// <summary>Whether <paramref name="value"/> is one of the values (false when the filter is off).</summary>
    public bool Contains(T value) => IsSet && _values.Contains(value);

    public IEnumerator<T> GetEnumerator() => (_values.IsDefault ? ImmutableArray<T>.Empty : _values).AsEnumerable().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(AnyOf<T> other) => this.SequenceEqual(other);

    public override bool Equals(object? obj) => obj is AnyOf<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var value in this)
        {
            hash.Add(value);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(",", this);

    public static bool operator ==(AnyOf<T> left, AnyOf<T> right) => left.Equals(right);

    public static bool operator !=(AnyOf<T> left, AnyOf<T> right) => !left.Equals(right);
}
