using AuditKit.Server.AuditLogs;
using AuditKit.Server.Ingest;

namespace AuditKit.Server.Compatibility;

/// <summary>
/// A seed's query parameters, by name, each with its values: from a query string (a value holding commas, as in
/// <c>service_names=a,b</c>, counts as several) or from a JSON body (an array counts as several). Collects an error per
/// offending parameter, named as the seed names it.
/// </summary>
internal sealed class SeedQueryParameters
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public IEnumerable<string> Names => _values.Keys;

    public static SeedQueryParameters FromQueryString(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new SeedQueryParameters();
        foreach (var (name, values) in query)
        {
            foreach (var value in values)
            {
                foreach (var part in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    parameters.Add(name, part);
                }
            }

            parameters._values.TryAdd(name, []);
        }

        return parameters;
    }

    /// <summary>The parameters of a JSON object body; an error on <c>body</c> when it is not one.</summary>
    public static SeedQueryParameters FromJson(JsonElement body)
    {
        var parameters = new SeedQueryParameters();
        if (body.ValueKind != JsonValueKind.Object)
        {
            parameters.Fail(JsonSyntaxErrorLocator.BodyField, "must be a JSON object of query parameters.");
            return parameters;
        }

        foreach (var property in body.EnumerateObject())
        {
            parameters._values.TryAdd(property.Name, []);
            var items = property.Value.ValueKind == JsonValueKind.Array ? property.Value.EnumerateArray().ToArray() : [property.Value];
            foreach (var item in items)
            {
                switch (item.ValueKind)
                {
                    case JsonValueKind.Null:
                        break;
                    case JsonValueKind.String:
                        parameters.Add(property.Name, item.GetString()!);
                        break;
                    case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                        parameters.Add(property.Name, item.GetRawText());
                        break;
                    default:
                        parameters.Fail(property.Name, "must be a string, a number or an array of them.");
                        break;
                }
            }
        }

        return parameters;
    }

    /// <summary>
    /// The parameters of a JSON object request body (an empty body is no parameter), read as the ingest reads a body;
    /// or the problem to answer (413 when too large).
    /// </summary>
    public static async Task<(SeedQueryParameters? Parameters, IResult? Problem)> FromBodyAsync(
        HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength == 0)
        {
            return (new SeedQueryParameters(), null);
        }

        var (body, problem) = await RequestBody.ReadAsync(request, maxBytes, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        using (body)
        {
            if (!AuditIngestBody.TryParse(body!.Content, out var document, out var syntaxError))
            {
                var invalid = new SeedQueryParameters();
                invalid.Fail(syntaxError.Field, syntaxError.Message);
                return (invalid, null);
            }

            using (document)
            {
                return (FromJson(document.RootElement), null);
            }
        }
    }

    public void Fail(string name, string message) => Errors.TryAdd(name, [message]);

    /// <summary>The values of <paramref name="name"/> (none when absent or empty).</summary>
    public IReadOnlyList<string> Values(string name) =>
        _values.TryGetValue(name, out var values) ? values : [];

    /// <summary>
    /// The values of the first present of <paramref name="names"/> (a seed's plural and singular spellings), with
    /// the name that gave them.
    /// </summary>
    public (string Name, IReadOnlyList<string> Values) First(params string[] names)
    {
        foreach (var name in names)
        {
            if (Values(name) is { Count: > 0 } values)
            {
                return (name, values);
            }
        }

        return (names[0], []);
    }

    /// <summary>
    /// Every value of the first present of <paramref name="names"/> as a native filter, several matching any of them
    /// (at most <see cref="AuditQueryParser.MaxFilterValues"/>, as on the native routes).
    /// </summary>
    public AnyOf<string> AnyOf(params string[] names)
    {
        var (name, values) = First(names);
        if (values.Count > AuditQueryParser.MaxFilterValues)
        {
            Fail(name, $"takes at most {AuditQueryParser.MaxFilterValues} values.");
            return default;
        }

        return AnyOf<string>.Of(values.Distinct(StringComparer.Ordinal));
    }

    /// <summary>
    /// Every value of the first present of <paramref name="names"/> that <paramref name="parse"/> reads, as a native
    /// filter; a value it cannot read fails that parameter with <paramref name="message"/>.
    /// </summary>
    public AnyOf<T> Parsed<T>(AuditEnumNames.Parser<T> parse, string message, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var (name, values) = First(names);
        var parsed = new List<T>(values.Count);
        foreach (var value in values)
        {
            if (parse(value, out var one))
            {
                parsed.Add(one);
            }
            else
            {
                Fail(name, message);
            }
        }

        return AnyOf<T>.Of(parsed);
    }

    public DateTimeOffset? Date(string name)
    {
        var values = Values(name);
        if (values.Count == 0)
        {
            return null;
        }

        if (values.Count == 1 && RfcDateTime.TryParse(values[0], out var date))
        {
            return date;
        }

        Fail(name, "must be one RFC 3339 date-time, e.g. 2024-05-01T00:00:00Z.");
        return null;
    }

    public int Integer(string name, int fallback, int min, int max)
    {
        var values = Values(name);
        if (values.Count == 0)
        {
            return fallback;
        }

        if (values.Count == 1 && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        Fail(name, string.Create(CultureInfo.InvariantCulture, $"must be an integer from {min} to {max}."));
        return fallback;
    }

    /// <summary>An error for every parameter not in <paramref name="known"/>: a filter is never silently ignored.</summary>
    public void RefuseUnknown(IReadOnlySet<string> known)
    {
        foreach (var name in _values.Keys.Where(n => !known.Contains(n)))
        {
            Fail(name, "is not a parameter of this route.");
        }
    }

    private void Add(string name, string value)
    {
        if (!_values.TryGetValue(name, out var values))
        {
            _values[name] = values = [];
        }

        values.Add(value);
    }
}
