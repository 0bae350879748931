using Xunit.Abstractions;

namespace AuditKit.Server.Tests.Api;

/// <summary>
/// Thousands of mutated ingest bodies, query strings and cursors (<see cref="BadInputFuzzCases"/>) through the real
/// HTTP pipeline: none may answer 5xx, and only what the server answered as accepted may be stored. The seed is fixed
/// and printed; set <c>AUDITKIT_FUZZ_SEED</c> to replay or explore another one.
/// </summary>
public abstract class BadInputFuzzTests(AuditKitServerFixture server, ITestOutputHelper output)
{
    private const string Logs = "/api/v1/audit-logs";
    private const ulong DefaultSeed = 20_251_206;
    private const int BodyCases = 1000;
    private const int QueryCases = 500;
    private const int CursorCases = 500;

    private static readonly string[] s_sortFields = ["timestamp", "received_at", "severity", "action", "user_id", "resource_type", "status_code", "duration_ms"];

    [Fact]
    public async Task Mutated_bodies_queries_and_cursors_never_answer_5xx_and_store_only_what_was_accepted()
    {
        var seed = Environment.GetEnvironmentVariable("AUDITKIT_FUZZ_SEED") is { Length: > 0 } text
            ? ulong.Parse(text, CultureInfo.InvariantCulture)
            : DefaultSeed;
        output.WriteLine($"{server.Provider}: seed {seed} (replay with AUDITKIT_FUZZ_SEED={seed})");

        var tenant = await server.CreateTenantAsync("fuzz");
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var issued = await IssueCursorsAsync(ingest, read);
        var before = await StoredIdsAsync(read);

        var accepted = new ConcurrentBag<Guid>();
        var failures = new ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        (string Name, FuzzRequest[] Cases)[] sets =
        [
            ("body", BadInputFuzzCases.Bodies(seed, BodyCases)),
            ("query", BadInputFuzzCases.Queries(seed + 1, QueryCases)),
            ("cursor", BadInputFuzzCases.Cursors(seed + 2, CursorCases, issued)),
        ];
        foreach (var (name, cases) in sets)
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, cases.Length),
                new ParallelOptions { MaxDegreeOfParallelism = 4 },
                async (index, cancellationToken) =>
                {
                    var request = cases[index];
                    var client = request.Method == HttpMethod.Post ? ingest : read;
                    try
                    {
                        using var message = new HttpRequestMessage(request.Method, request.Url);
                        if (request.Body is { } body)
                        {
                            message.Content = new ByteArrayContent(body);
                            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                            if (request.Gzip)
                            {
                                message.Content.Headers.ContentEncoding.Add("gzip");
                            }
                        }

                        using var response = await client.SendAsync(message, cancellationToken);
                        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
                        if ((int)response.StatusCode >= 500)
                        {
                            failures.Enqueue(Describe(name, index, request, $"{(int)response.StatusCode} {Shorten(answer)}"));
                        }
                        else if (request.Method == HttpMethod.Post && (int)response.StatusCode is 200 or 201)
                        {
                            CollectAccepted(answer, (int)response.StatusCode, accepted);
                        }
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        failures.Enqueue(Describe(name, index, request, $"{ex.GetType().Name}: {ex.Message}"));
                    }
                });
            output.WriteLine($"{name}: {cases.Length} cases, {clock.Elapsed.TotalSeconds:F1} s so far");
        }

        foreach (var failure in failures.Take(20))
        {
            output.WriteLine(failure);
        }

        failures.ShouldBeEmpty($"seed {seed}: {failures.Count} requests failed; first: {failures.FirstOrDefault()}");

        // Rejected input stored nothing: what is new is exactly what the server said it accepted.
        var after = await StoredIdsAsync(read);
        after.Except(before).ShouldBe(accepted.Distinct(), ignoreOrder: true, $"seed {seed}");
        output.WriteLine($"{accepted.Count} events accepted of {BodyCases} bodies; {clock.Elapsed.TotalSeconds:F1} s in all");
    }

    /// <summary>A few events, then one real cursor per sort field for the fuzzer to start from.</summary>
    private static async Task<List<(string SortBy, string Token)>> IssueCursorsAsync(HttpClient ingest, HttpClient read)
    {
        object[] events =
        [
            new { action = "LOGIN", user_id = "alice", resource_type = "Auth", status_code = 200, duration_ms = 12.5, severity = "LOW" },
            new { action = "UPDATE", user_id = "bob", resource_type = "Customer", status_code = 409, duration_ms = 0.25, severity = "HIGH" },
            new { action = "DELETE", severity = "CRITICAL" },
        ];
        (await (await ingest.PostAsJsonAsync($"{Logs}/batch", events)).ReadBatchResultAsync()).Accepted.ShouldBe(3);

        var issued = new List<(string, string)>();
        foreach (var sortBy in s_sortFields)
        {
            var page = await (await read.GetAsync($"{Logs}?limit=1&sort_by={sortBy}")).ReadPageAsync();
            issued.Add((sortBy, page.NextCursor.ShouldNotBeNull()));
        }

        return issued;
    }

    private static async Task<HashSet<Guid>> StoredIdsAsync(HttpClient read)
    {
        var ids = new HashSet<Guid>();
        string? cursor = null;
        do
        {
            var url = $"{Logs}?limit=1000&include_total=false" + (cursor is null ? string.Empty : $"&cursor={cursor}");
            var page = await (await read.GetAsync(url)).ReadPageAsync();
            // The server's own records of reads (an event read by id) are not what the fuzzer stored.
            ids.UnionWith(page.Items.Where(static e => e.ServiceName != AdminAuditRecorder.ServiceName).Select(static e => e.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return ids;
    }

    private static void CollectAccepted(string answer, int status, ConcurrentBag<Guid> accepted)
    {
        using var document = JsonDocument.Parse(answer);
        var root = document.RootElement;
        if (root.TryGetProperty("items", out var items))
        {
            foreach (var item in items.EnumerateArray())
            {
                if (item.GetProperty("status").GetString() == "accepted")
                {
                    accepted.Add(item.GetProperty("id").GetGuid());
                }
            }
        }
        else if (status == 201)
        {
            accepted.Add(root.GetProperty("id").GetGuid());
        }
    }

    private static string Describe(string set, int index, FuzzRequest request, string outcome)
    {
        var body = request.Body is { } bytes ? $" body(base64)={Convert.ToBase64String(bytes.AsSpan(0, Math.Min(bytes.Length, 2048)))}" : string.Empty;
        return $"{set} #{index} {request.Method} {Shorten(request.Url)} [{request.Recipe}] -> {outcome}{body}";
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : string.Concat(text.AsSpan(0, 400), "…");
}

public sealed class SqliteBadInputFuzzTests(SqliteServerFixture server, ITestOutputHelper output)
    : BadInputFuzzTests(server, output), IClassFixture<SqliteServerFixture>;

public sealed class PostgresBadInputFuzzTests(PostgresServerFixture server, ITestOutputHelper output)
    : BadInputFuzzTests(server, output), IClassFixture<PostgresServerFixture>;
