namespace AuditKit.Server.Console;

/// <summary>One row of an event's old/new table: a property, both values and whether each was masked.</summary>
internal sealed record ConsoleChange(string Property, string Old, bool OldMasked, string New, bool NewMasked)
{
    /// <summary>
    /// The rows of <paramref name="auditEvent"/>: its <c>changes</c> when it has them, else every property of its
    /// <c>old_values</c> and <c>new_values</c> (union, in the order first seen).
    /// </summary>
    public static IReadOnlyList<ConsoleChange> From(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (auditEvent.Changes is { Count: > 0 } changes)
        {
            return [.. changes.Select(static c => Row(c.Property, c.Old, c.New))];
        }

        var names = new List<string>();
        foreach (var name in (auditEvent.OldValues?.Select(static p => p.Key) ?? []).Concat(auditEvent.NewValues?.Select(static p => p.Key) ?? []))
        {
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        return [.. names.Select(name => Row(name, Value(auditEvent.OldValues, name), Value(auditEvent.NewValues, name)))];
    }

    private static JsonNode? Value(JsonObject? values, string name) => values is not null && values.TryGetPropertyValue(name, out var v) ? v : null;

    private static ConsoleChange Row(string property, JsonNode? oldValue, JsonNode? newValue) => new(
        property,
        MaskedValues.Display(oldValue),
        MaskedValues.IsMasked(oldValue),
        MaskedValues.Display(newValue),
        MaskedValues.IsMasked(newValue));
}
