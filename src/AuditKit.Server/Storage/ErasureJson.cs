namespace AuditKit.Server.Storage;

/// <summary>
/// The rewrite of a JSON field by an erasure: every string value (at any depth; names are kept) that contains one of
/// the subject's values becomes <see cref="Marker"/>. The same rule as <c>auditkit_erase_json_value</c> on PostgreSQL:
/// the erasure tests' table of cases (<c>Erasure_json_matching_rule_gives_the_same_rows_on_both_providers</c>) runs on
/// both providers and expects the same rows, so a change to one side that the other does not follow fails there.
/// </summary>
internal static class ErasureJson
{
    /// <summary>What an erased string value becomes.</summary>
    public const string Marker = "[erased]";

    /// <summary>
    /// <paramref name="json"/> with the subject's values replaced, or null when nothing in it names one (or it is null).
    /// </summary>
    public static string? Rewrite(string? json, IReadOnlyList<string> needles)
    {
        ArgumentNullException.ThrowIfNull(needles);
        if (json is null || !needles.Any(n => n.Length > 0 && json.Contains(n, StringComparison.Ordinal)))
        {
            return null;
        }

        var node = JsonNode.Parse(json);
        if (Names(node, needles))
        {
            return "\"" + Marker + "\"";
        }

        return Replace(node, needles) ? node!.ToJsonString(AuditStorageJsonContext.StoredOptions) : null;
    }

    // Whether node is a string value that contains a needle.
    private static bool Names(JsonNode? node, IReadOnlyList<string> needles) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && needles.Any(n => n.Length > 0 && text.Contains(n, StringComparison.Ordinal));

    // Replaces, in place, the values under node that name a needle; whether it replaced any.
    private static bool Replace(JsonNode? node, IReadOnlyList<string> needles)
    {
        var replaced = false;
        if (node is JsonObject obj)
        {
            foreach (var name in obj.Select(static p => p.Key).ToList())
            {
                if (Names(obj[name], needles))
                {
                    obj[name] = Marker;
                    replaced = true;
                }
                else
                {
                    replaced |= Replace(obj[name], needles);
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (Names(array[i], needles))
                {
                    array[i] = Marker;
                    replaced = true;
                }
                else
                {
                    replaced |= Replace(array[i], needles);
                }
            }
        }

        return replaced;
    }
}
