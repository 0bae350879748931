using System.Buffers.Text;
using System.IO.Compression;
using FsCheck;
using FsCheck.Fluent;

namespace AuditKit.Server.Tests.Api;

/// <summary>One generated request: what to send, and how it was made (printed when it fails).</summary>
public sealed record FuzzRequest(HttpMethod Method, string Url, byte[]? Body, bool Gzip, string Recipe);

/// <summary>
/// FsCheck generators of hostile input for <see cref="BadInputFuzzTests"/>: valid events, batches, query strings and
/// cursors, mutated by byte flips, truncation, invalid UTF-8, surrogate and NUL escapes, huge numbers, wrong types
/// and deep nesting. Everything comes from FsCheck's seeded generator, so a seed replays the same requests.
/// </summary>
internal static class BadInputFuzzCases
{
    private const string Logs = "/api/v1/audit-logs";

    private static readonly string[] s_eventSeeds =
    [
        """{"action":"LOGIN"}""",
        """
        {"id":"01954da9-8cbb-7cc2-9d8e-1a2b3c4d5e6f","timestamp":"2025-02-28T17:45:12.1234567Z","source":"http","action":"UPDATE",
         "category":"customer","resource_type":"Customer","resource_id":"c-17","resource_name":"Ada","user_id":"alice",
         "username":"Alice","user_email":"alice@example.com","status":"FAILURE","severity":"HIGH","service_name":"shop",
         "service_version":"1.2.3","method":"PUT","path":"/api/customers/c-17","route":"/api/customers/{id}",
         "query":"expand=orders","status_code":409,"duration_ms":12.5,"ip_address":"2001:db8::1","user_agent":"curl/8.5",
         "request_id":"0HN:0001","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","session_id":"s-1","description":"conflict",
         "error_code":"CONFLICT","error_message":"Version mismatch",
         "changes":[{"property":"Email","old":"a@x.org","new":"alice@example.com"},{"property":"Age","old":41,"new":{"v":[1,2]}}],
         "old_values":{"email":"a@x.org"},"new_values":{"email":"alice@example.com","vip":true,"score":1.5e3},
         "metadata":{"region":"eu","nested":{"list":[1,"two",null,false]}},"tags":["GDPR","SOX"],"data_classification":"confidential"}
        """,
        """
        {"user_id":"emp-7","action":"updated","log_type":"leave_request","entity_type":"LeaveRequest","entity_id":42,
         "service_name":"leave","status":"success","old_values":"{\"status\": \"pending\"}","new_values":"{\"status\": \"approved\"}",
         "ip_address":"10.0.0.8","request_id":"r-1"}
        """,
        """{"action":"LOGIN_FAILED","severity":"critical","status":"failure","user_id":"bob","ip_address":"203.0.113.7","resource_type":"Auth","timestamp":"2025-03-01T08:59:00+01:00"}""",
        """{"action":"DELETE","resource_type":"Order","resource_id":"o-1","metadata":"{\"reason\":\"fraud\",\"n\":[1,2,3]}","tags":[],"changes":null}""",
    ];

    /// <summary>Bytes that are not UTF-8: stray continuation, overlong, surrogate (CESU), too large, truncated.</summary>
    private static readonly byte[][] s_invalidUtf8 =
    [
        [0xFF], [0xFE, 0xFF], [0x80], [0xC0, 0x80], [0xC3], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x00], [0xEF, 0xBB, 0xBF],
    ];

    private static readonly string[] s_escapes =
    [
        "\\ud800", "\\udc00", "\\udbff\\udbff", "\\udfff\\ud800", "\\u0000", "\\u0000\\u0000", "\\ud83d", "\\ud83d\\ude00",
        "\\uFFFF", "\\uFFFE", "\\\\u0000", "\\", "\\x", "\\u12", "\\\"",
    ];

    private static readonly string[] s_values =
    [
        "1e999999", "-1e999999", "1e-999999", "1e200000", "1e-20000", "1e309", "1e308", "-1.7976931348623157e308", "4.9e-324",
        "123456789012345678901234567890123456789012345678901234567890", "0." + new string('0', 500) + "1", new string('9', 600),
        "-0", "0e0", "2147483648", "-2147483649", "9223372036854775808", "NaN", "Infinity", "-", "01", "1.", ".5",
        "true", "false", "null", "[]", "{}", "\"\"", "\"   \"", "[1,2,3]", "[null]", "[[]]", "[\"\\u0000\"]", "[\"\\ud800\"]",
        "{\"a\":{\"b\":[1,{\"c\":\"\\ud800\"}]}}", "{\"k\":1e999999}", "{\"\\ud800\":1}", "{\"\\u0000\":\"\\u0000\"}",
        "\"\\u0000\"", "\"x\\ud800\"", "\"\\udc00\\ud800\"", "\"" + new string('a', 5000) + "\"", "\"2024-02-30T25:61:61Z\"",
        "\"0001-01-01T00:00:00Z\"", "\"0001-01-01T00:00:00+14:00\"", "\"9999-12-31T23:59:59.9999999-14:00\"", "\"-infinity\"",
        "\"00000000-0000-0000-0000-000000000000\"", "\"{00000000-0000-0000-0000-000000000001}\"", "\"{\\\"a\\\":1e999999}\"",
        "\"{\\\"a\\\":\\\"\\\\ud800\\\"}\"", "\"{\\\"a\\\":\\\"\\\\u0000\\\"}\"", "\"[1]\"", "\"{\"", "\"LOGIN\"", "\"critical\"",
        "\"other-tenant\"", "{\"property\":\"\\ud800\"}", "[{\"property\":null,\"old\":1e999999,\"new\":\"\\udc00\"}]",
        "[{}]", "[1,\"x\"]",
    ];

    private static readonly string[] s_queryValues =
    [
        "%00", "a%00b", "%FF", "%ED%A0%80", "%C0%80", "%F8%88%80%80%80", "%ud800", "%25", "%2500", "x", "LOGIN", "login-failed",
        "alice", "Customer", "c-1", "SUCCESS", "critical", "HUGE", "10.0.0.1", "::1", "2001:db8::1", "not-an-ip",
        "99999999999999999999", "-1", "0", "1", "1000", "1001", "2147483647", "NaN", "1e999", "1.5", "true", "false", "exact",
        "asc", "DESC", "sideways", "timestamp", "duration_ms", "status_code", "severity", "user_id", "received_at", "action",
        "resource_type", "bogus", "2025-03-01T00:00:00Z", "2025-02-30T00:00:00Z", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z", "0001-01-01T00:00:00%2B14:00", "-infinity", "yesterday", "json", "ndjson", "csv", "xml",
        "hour", "day", "week", "ip", "user", "open", "acknowledged", "unresolved", "brute_force", "tenant", "http", "manual",
        "%27%3B%20DROP%20TABLE%20audit_events%3B%20--", "%F0%9F%98%80", "%C3%A9", "a+b", "%20%20", new string('a', 600),
        "01950b8c-8a6e-7cc2-9d8e-1a2b3c4d5e6f", "00000000-0000-0000-0000-000000000000",
    ];

    /// <summary>A NUL in a path never reaches an endpoint: the HTTP layer refuses the request line (the test host throws).</summary>
    private static readonly string[] s_pathValues = [.. s_queryValues.Where(static v => !v.Contains("%00", StringComparison.Ordinal))];

    private static readonly string[] s_queryNames =
    [
        "action", "resource", "resource_type", "resource_id", "user_id", "status", "severity", "ip_address", "service_name",
        "category", "log_type", "source", "trace_id", "username", "request_id", "session_id", "data_classification", "tags",
        "metadata.env", "metadata.a.b", "time_range", "search", "from_date", "to_date", "start_date", "end_date", "limit",
        "offset", "sort_by", "sort_order", "cursor", "include_total", "group_by", "format", "bucket", "top", "rule", "key",
        "key_type", "from", "to", "unknown",
    ];

    private static readonly string[] s_queryPaths =
    [
        Logs, Logs + "/export", Logs + "/summary", Logs + "/failed-auth", Logs + "/critical", Logs + "/user/{0}",
        Logs + "/user/{0}/ip-history", Logs + "/type/{0}", Logs + "/resource/{0}/{0}", Logs + "/{0}", "/api/v1/alerts",
        "/api/v1/alerts/{0}", Logs + "/suspicious-activity",
    ];

    /// <summary>Raw values for the cursor's fields: what the codec writes, and what it never does.</summary>
    private static readonly string[] s_cursorSorts = ["0", "1", "2", "3", "4", "5", "6", "7", "-1", "8", "1.5", "\"0\"", "2147483648", "null", "1e999999"];

    private static readonly string[] s_cursorOrders = ["true", "false", "1", "\"true\"", "null"];

    private static readonly string[] s_cursorValues =
    [
        "\"2025-03-01T09:00:00.0010000Z\"", "\"2025-03-01T09:00:00+14:00\"", "\"0001-01-01T00:00:00-01:00\"", "\"9999-12-31T23:59:59Z\"",
        "\"yesterday\"", "\"3\"", "\"32767\"", "\"32768\"", "\"-5\"", "\"409\"", "\"1.5\"", "\"2147483648\"", "\"12.5\"", "\"NaN\"",
        "\"Infinity\"", "\"-Infinity\"", "\"1e999\"", "\"-0\"", "\"LOGIN\"", "\"alice\"", "\"\"", "\"\\u0000\"", "\"a\\u0000\"",
        "\"\\ud800\"", "\"\\udc00x\"", "\"" + new string('z', 3000) + "\"", "null", "42", "1e999999", "true", "[]", "{}",
    ];

    private static readonly string[] s_cursorIds =
    [
        "\"01950b8c-8a6e-7cc2-9d8e-1a2b3c4d5e6f\"", "\"00000000-0000-0000-0000-000000000000\"", "\"not-a-guid\"", "7", "null",
        "\"\\ud800\"", "\"{01950b8c-8a6e-7cc2-9d8e-1a2b3c4d5e6f}\"",
    ];

    /// <summary>Ingest bodies: single events and batches (array or <c>{"events": [...]}</c>), mutated.</summary>
    public static FuzzRequest[] Bodies(ulong seed, int count) =>
        Gen.Frequency([(3, SingleBody()), (2, BatchBody())])
            .Sample(count, new Rnd(seed), 30);

    /// <summary>Query strings and path values on every read endpoint.</summary>
    public static FuzzRequest[] Queries(ulong seed, int count)
    {
        var gen =
            from path in Gen.Elements(s_queryPaths)
            from pathValue in Gen.Elements(s_pathValues)
            from parameters in Gen.ListOf(Gen.Zip(Gen.Elements(s_queryNames), Gen.Elements(s_queryValues))).Resize(4)
            select Query(path, pathValue, parameters);
        return gen.Sample(count, new Rnd(seed), 30);
    }

    /// <summary>
    /// Cursors: real ones (<paramref name="issued"/>, one per sort field) with fields swapped for values the codec never
    /// writes, or removed, then byte-mutated as JSON and as base64url.
    /// </summary>
    public static FuzzRequest[] Cursors(ulong seed, int count, IReadOnlyList<(string SortBy, string Token)> issued)
    {
        var gen =
            from real in Gen.Elements(issued.ToArray())
            from sort in Field(s_cursorSorts)
            from order in Field(s_cursorOrders)
            from value in Field(s_cursorValues)
            from id in Field(s_cursorIds)
            from mutations in Gen.ListOf(Mutation()).Resize(2)
            from tokenEdits in Gen.ListOf(Gen.Zip(Gen.Choose(0, 3), Gen.Choose(0, 10_000))).Resize(2)
            from withSort in Gen.Choose(0, 3)
            select Cursor(real, sort, order, value, id, mutations, tokenEdits, withSort);
        return gen.Sample(count, new Rnd(seed), 30);
    }

    private static Gen<(int Kind, int Position, int Choice)> Mutation() =>
        from kind in Gen.Choose(0, 9)
        from position in Gen.Choose(0, 10_000)
        from choice in Gen.Choose(0, 1_000)
        select (kind, position, choice);

    /// <summary>A cursor field: kept as issued (null), one of <paramref name="values"/>, or left out ("").</summary>
    private static Gen<string?> Field(string[] values) =>
        Gen.Frequency(
        [
            (6, Gen.Constant<string?>(null)),
            (3, Gen.Elements(values).Select(static v => (string?)v)),
            (1, Gen.Constant<string?>(string.Empty)),
        ]);

    private static Gen<FuzzRequest> SingleBody() =>
        from seedIndex in Gen.Choose(0, s_eventSeeds.Length - 1)
        from mutations in Gen.ListOf(Mutation()).Resize(3)
        from gzip in Gen.Choose(0, 9)
        select Ingest(Logs, Encoding.UTF8.GetBytes(s_eventSeeds[seedIndex]), mutations, gzip, $"single seed {seedIndex}");

    private static Gen<FuzzRequest> BatchBody() =>
        from items in Gen.NonEmptyListOf(Gen.Zip(Gen.Choose(0, s_eventSeeds.Length - 1), Gen.ListOf(Mutation()).Resize(2))).Resize(5)
        from wrapped in Gen.Choose(0, 1)
        from outer in Gen.ListOf(Mutation()).Resize(1)
        from gzip in Gen.Choose(0, 9)
        select Batch(items, wrapped == 1, outer, gzip);

    private static FuzzRequest Batch(List<(int Seed, List<(int, int, int)> Mutations)> items, bool wrapped, IReadOnlyList<(int, int, int)> outer, int gzip)
    {
        // Each item is mutated on its own, so one bad event sits among good ones.
        var body = new List<byte>(Encoding.UTF8.GetBytes(wrapped ? "{\"events\":[" : "["));
        var recipe = new StringBuilder($"batch wrapped={wrapped}");
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                body.Add((byte)',');
            }

            body.AddRange(Mutate(Encoding.UTF8.GetBytes(s_eventSeeds[items[i].Seed]), items[i].Mutations, out var itemRecipe));
            recipe.Append($" [{i}] seed {items[i].Seed}{itemRecipe}");
        }

        body.AddRange(Encoding.UTF8.GetBytes(wrapped ? "]}" : "]"));
        return Ingest(Logs + "/batch", [.. body], outer, gzip, recipe.ToString());
    }

    private static FuzzRequest Ingest(string url, byte[] body, IReadOnlyList<(int, int, int)> mutations, int gzip, string recipe)
    {
        var mutated = Mutate(body, mutations, out var applied);

        // Now and then compressed, and now and then a compressed stream that is then corrupted.
        if (gzip == 0)
        {
            return new FuzzRequest(HttpMethod.Post, url, Gzip(mutated), true, $"{recipe}{applied} gzip");
        }

        if (gzip == 1)
        {
            var compressed = Gzip(mutated);
            if (compressed.Length > 0)
            {
                compressed[compressed.Length / 2] ^= 0x5A;
            }

            return new FuzzRequest(HttpMethod.Post, url, compressed, true, $"{recipe}{applied} gzip-corrupted");
        }

        return new FuzzRequest(HttpMethod.Post, url, mutated, false, recipe + applied);
    }

    private static FuzzRequest Query(string path, string pathValue, IReadOnlyList<(string Name, string Value)> parameters)
    {
        var url = new StringBuilder(path.Replace("{0}", pathValue, StringComparison.Ordinal));
        for (var i = 0; i < parameters.Count; i++)
        {
            url.Append(i == 0 ? '?' : '&').Append(parameters[i].Name).Append('=').Append(parameters[i].Value);
        }

        return new FuzzRequest(HttpMethod.Get, url.ToString(), null, false, "query");
    }

    private static FuzzRequest Cursor(
        (string SortBy, string Token) real, string? sort, string? order, string? value, string? id,
        IReadOnlyList<(int, int, int)> mutations, IReadOnlyList<(int Kind, int Position)> tokenEdits, int withSort)
    {
        // The issued token's fields, each kept, replaced or removed.
        var issued = Base64Url.DecodeFromChars(real.Token);
        using var document = System.Text.Json.JsonDocument.Parse(issued);
        var fields = new List<string>();
        foreach (var (name, replacement) in new[] { ("s", sort), ("d", order), ("v", value), ("i", id) })
        {
            var raw = replacement ?? (document.RootElement.TryGetProperty(name, out var original) ? original.GetRawText() : null);
            if (!string.IsNullOrEmpty(raw))
            {
                fields.Add($"\"{name}\":{raw}");
            }
        }

        var json = Mutate(Encoding.UTF8.GetBytes("{" + string.Join(',', fields) + "}"), mutations, out var applied);
        var token = new StringBuilder(Base64Url.EncodeToString(json));
        foreach (var (kind, position) in tokenEdits)
        {
            var at = token.Length == 0 ? 0 : position % token.Length;
            switch (kind)
            {
                case 0 when token.Length > 0:
                    token[at] = (char)('A' + (position % 26));
                    break;
                case 1:
                    token.Length = at;
                    break;
                case 2:
                    token.Insert(at, position % 2 == 0 ? "=" : "%2B%2F");
                    break;
                default:
                    token.Insert(at, "%00");
                    break;
            }
        }

        var url = withSort switch
        {
            0 => $"{Logs}?cursor={token}&sort_by={real.SortBy}",
            1 => $"{Logs}/user/alice?cursor={token}",
            2 => $"{Logs}?cursor={token}&sort_by=duration_ms&sort_order=asc",
            _ => $"{Logs}?cursor={token}",
        };
        return new FuzzRequest(HttpMethod.Get, url, null, false, $"cursor {Encoding.Latin1.GetString(json)}{applied}");
    }

    /// <summary>Applies <paramref name="mutations"/> in order; <paramref name="recipe"/> says what was done.</summary>
    private static byte[] Mutate(byte[] body, IReadOnlyList<(int Kind, int Position, int Choice)> mutations, out string recipe)
    {
        var bytes = new List<byte>(body);
        var applied = new StringBuilder();
        foreach (var (kind, position, choice) in mutations)
        {
            var at = bytes.Count == 0 ? 0 : position % bytes.Count;
            switch (kind)
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << (choice % 8));
                    applied.Append($" flip@{at}");
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] = (byte)choice;
                    applied.Append($" byte@{at}={choice % 256:X2}");
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    applied.Append($" truncate@{at}");
                    break;
                case 3:
                    {
                        var quote = After(bytes, at, (byte)'"');
                        bytes.InsertRange(quote, s_invalidUtf8[choice % s_invalidUtf8.Length]);
                        applied.Append($" utf8#{choice % s_invalidUtf8.Length}@{quote}");
                        break;
                    }

                case 4:
                    {
                        var quote = After(bytes, at, (byte)'"');
                        bytes.InsertRange(quote, Encoding.ASCII.GetBytes(s_escapes[choice % s_escapes.Length]));
                        applied.Append($" escape#{choice % s_escapes.Length}@{quote}");
                        break;
                    }

                case 5 or 6 or 7:
                    {
                        // A value swapped for another: the next value after a ':' (or array start), up to its end.
                        var start = After(bytes, at, (byte)':');
                        var end = ValueEnd(bytes, start);
                        bytes.RemoveRange(start, end - start);
                        bytes.InsertRange(start, Encoding.UTF8.GetBytes(s_values[choice % s_values.Length]));
                        applied.Append($" value#{choice % s_values.Length}@{start}");
                        break;
                    }

                case 8:
                    {
                        int[] depths = [10, 63, 64, 65, 200, 5000];
                        var depth = depths[choice % depths.Length];
                        var start = After(bytes, at, (byte)':');
                        var end = ValueEnd(bytes, start);
                        bytes.RemoveRange(start, end - start);
                        bytes.InsertRange(start, Encoding.ASCII.GetBytes(new string('[', depth) + new string(']', depth)));
                        applied.Append($" nest{depth}@{start}");
                        break;
                    }

                default:
                    {
                        var length = Math.Min(1 + (choice % 16), bytes.Count - at);
                        bytes.RemoveRange(at, length);
                        applied.Append($" delete@{at}+{length}");
                        break;
                    }
            }
        }

        recipe = applied.ToString();
        return [.. bytes];
    }

    /// <summary>The index just after the first <paramref name="marker"/> at or after <paramref name="from"/> (wrapping).</summary>
    private static int After(List<byte> bytes, int from, byte marker)
    {
        for (var i = 0; i < bytes.Count; i++)
        {
            var index = (from + i) % bytes.Count;
            if (bytes[index] == marker)
            {
                return index + 1;
            }
        }

        return Math.Min(from, bytes.Count);
    }

    /// <summary>Where the JSON value starting at <paramref name="start"/> ends, roughly: the next ',', '}' or ']' at its level.</summary>
    private static int ValueEnd(List<byte> bytes, int start)
    {
        var depth = 0;
        var inString = false;
        for (var i = start; i < bytes.Count; i++)
        {
            var b = bytes[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    i++;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }

                continue;
            }

            switch (b)
            {
                case (byte)'"':
                    inString = true;
                    break;
                case (byte)'{' or (byte)'[':
                    depth++;
                    break;
                case (byte)'}' or (byte)']' when depth == 0:
                    return i;
                case (byte)'}' or (byte)']':
                    depth--;
                    break;
                case (byte)',' when depth == 0:
                    return i;
                default:
                    break;
            }
        }

        return bytes.Count;
    }

    private static byte[] Gzip(byte[] body)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(body);
        }

        return buffer.ToArray();
    }
}
