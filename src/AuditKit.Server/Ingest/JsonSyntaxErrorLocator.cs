namespace AuditKit.Server.Ingest;

/// <summary>
/// Finds where malformed JSON breaks, as a field path (<c>status_code</c>, <c>[3].severity</c>,
/// <c>events[0].changes[1].old</c>), so a syntax error names its field like every other error. Runs only after a
/// parse has already failed, so the normal path pays nothing for it.
/// </summary>
internal static class JsonSyntaxErrorLocator
{
    /// <summary>The field name used when the error is not inside any field.</summary>
    public const string BodyField = "body";

    /// <summary>The path of the value being read when <paramref name="json"/> stops being valid, and why.</summary>
    public static (string Field, string Message) Locate(ReadOnlySpan<byte> json, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        var path = new List<Segment>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (!TryGetName(ref reader, out var name))
                        {
                            // The reader does not check a name's UTF-8 until it is decoded: that is the first error.
                            return (Render(path), "is not valid JSON: it holds a property name that is not valid UTF-8 text.");
                        }

                        path[^1] = path[^1] with { Name = name };
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        Advance(path);
                        path.Add(new Segment(reader.TokenType == JsonTokenType.StartArray, -1, null));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        Complete(path);
                        break;
                    default:
                        Advance(path);
                        Complete(path);
                        break;
                }
            }

            return (BodyField, "is not valid JSON.");
        }
        catch (JsonException ex)
        {
            return (Render(path), $"is not valid JSON: {ex.Message}");
        }
    }

    private static bool TryGetName(ref Utf8JsonReader reader, out string? name)
    {
        try
        {
            name = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            name = null;
            return false;
        }
    }

    private static void Advance(List<Segment> path)
    {
        if (path.Count > 0 && path[^1].IsArray)
        {
            path[^1] = path[^1] with { Index = path[^1].Index + 1 };
        }
    }

    /// <summary>A property's value is complete: an error from here on lies between properties, not in this one.</summary>
    private static void Complete(List<Segment> path)
    {
        if (path.Count > 0 && !path[^1].IsArray)
        {
            path[^1] = path[^1] with { Name = null };
        }
    }

    private static string Render(List<Segment> path)
    {
        var builder = new StringBuilder();
        foreach (var segment in path)
        {
            if (segment.IsArray)
            {
                builder.Append('[').Append(Math.Max(segment.Index, 0)).Append(']');
            }
            else if (segment.Name is { } name)
            {
                if (builder.Length > 0)
                {
                    builder.Append('.');
                }

                builder.Append(name);
            }
        }

        return builder.Length == 0 ? BodyField : builder.ToString();
    }

    private readonly record struct Segment(bool IsArray, int Index, string? Name);
}
