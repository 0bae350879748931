using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AuditKit;
using AuditKit.QueryBench;
using AuditKit.Server.AuditLogs;
using AuditKit.Server.Hosting;
using AuditKit.Server.Storage;
using AuditKit.Server.Storage.Postgres;
using Npgsql;

// `--print-unpartition-sql`: the partition migration's way back as this build compiles it (the benchmark scripts that
// compare with the table before partitions run it on a copy of the seeded database).
if (args is ["--print-unpartition-sql"])
{
    Console.Out.Write(EventPartitionSql.Unpartition);
    return 0;
}

QueryBenchOptions options;
try
{
    options = QueryBenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(QueryBenchOptions.Usage);
    return 2;
}

static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
static string Q(DateTimeOffset t) => Uri.EscapeDataString(t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));

await using var dataSource = NpgsqlDataSource.Create(options.Postgres);
using var http = new HttpClient { BaseAddress = options.Server, Timeout = TimeSpan.FromMinutes(10) };

// A read key for the tenant, made through the admin API like an operator would.
using (var admin = new HttpClient { BaseAddress = options.Server })
{
    admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AdminKey);
    var created = await admin.PostAsJsonAsync($"/api/v1/admin/tenants/{options.Tenant}/keys", new { role = "read", name = "query-bench" });
    created.EnsureSuccessStatusCode();
    using var document = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", document.RootElement.GetProperty("key").GetString());
}

// The data's own "now" (the seed spreads events over the days before it ran), the tenant's size, and sample values
// drawn from random pages of the table: users, resources and IPs in proportion to their activity.
DateTimeOffset latest, earliest;
long tenantEvents;
await using (var command = dataSource.CreateCommand("SELECT max(timestamp), min(timestamp), count(*) FROM audit_events WHERE tenant_id = $1"))
{
    command.Parameters.AddWithValue(options.Tenant);
    await using var reader = await command.ExecuteReaderAsync();
    await reader.ReadAsync();
    (latest, earliest, tenantEvents) = (reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt64(2));
}

var samples = new List<(Guid Id, string User, string ResourceType, string ResourceId, string Ip)>();
await using (var command = dataSource.CreateCommand(
    "SELECT id, user_id, resource_type, resource_id, ip_address FROM audit_events TABLESAMPLE SYSTEM (1) REPEATABLE (7) " +
    "WHERE tenant_id = $1 AND user_id IS NOT NULL AND resource_id IS NOT NULL AND ip_address IS NOT NULL LIMIT 500"))
{
    command.Parameters.AddWithValue(options.Tenant);
    await using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        samples.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
    }
}

long totalEvents;
await using (var command = dataSource.CreateCommand("SELECT reltuples::bigint FROM pg_class WHERE relname = 'audit_events'"))
{
    totalEvents = (long)(await command.ExecuteScalarAsync())!;
}

Console.WriteLine(I($"tenant {options.Tenant}: {tenantEvents:N0} of ~{totalEvents:N0} events, {earliest:u} to {latest:u}; {samples.Count} sampled rows; {options.Requests} requests per scenario after {options.Warmup} warm-up, one at a time"));
var random = new Random(11);
(Guid Id, string User, string ResourceType, string ResourceId, string Ip) Sample() => samples[random.Next(samples.Count)];
string[] severities = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];
// From common (a resource type in most descriptions) to rare (one error message) to absent from the searched text.
string[] words = ["invoice", "acme", "timeout", "deadlock", "password", "settings", "globex", "blocked", "exported", "permission"];
var span = latest - earliest - TimeSpan.FromHours(1);
DateTimeOffset RandomHour() => earliest + TimeSpan.FromTicks((long)(random.NextDouble() * span.Ticks));
var day = $"from_date={Q(latest.AddHours(-24))}&to_date={Q(latest.AddTicks(10))}";

var scenarios = new (string Name, string Target, Func<string> Url)[]
{
    ("baseline: get one event by id", "", () => $"/api/v1/audit-logs/{Sample().Id}"),
    ("list by user", "25 ms", () => $"/api/v1/audit-logs?user_id={Sample().User}"),
    ("list by resource", "25 ms", () => { var s = Sample(); return $"/api/v1/audit-logs?resource={s.ResourceType}&resource_id={s.ResourceId}"; }),
    ("list by time range (1 h)", "25 ms", () => { var from = RandomHour(); return $"/api/v1/audit-logs?from_date={Q(from)}&to_date={Q(from.AddHours(1))}"; }),
    ("list by severity", "25 ms", () => $"/api/v1/audit-logs?severity={severities[random.Next(4)]}"),
    ("resource history", "25 ms", () => { var s = Sample(); return $"/api/v1/audit-logs/resource/{s.ResourceType}/{s.ResourceId}"; }),
    ("user activity (/user/{id})", "25 ms", () => $"/api/v1/audit-logs/user/{Sample().User}"),
    ("user ip-history", "25 ms", () => $"/api/v1/audit-logs/user/{Sample().User}/ip-history"),
    ("critical", "", () => "/api/v1/audit-logs/critical"),
    ("failed-auth by ip, 24 h", "", () => $"/api/v1/audit-logs/failed-auth?group_by=ip&{day}"),
    ("full-text search, 24 h", "100 ms", () => $"/api/v1/audit-logs?search={words[random.Next(words.Length)]}&{day}"),
    ("full-text search, 24 h, no total", "100 ms", () => $"/api/v1/audit-logs?search={words[random.Next(words.Length)]}&include_total=false&{day}"),
    ("by type (/type/{log_type}), 24 h", "", () => $"/api/v1/audit-logs/type/{Sample().ResourceType.ToLowerInvariant()}?{day.Replace("from_date", "start_date", StringComparison.Ordinal).Replace("to_date", "end_date", StringComparison.Ordinal)}"),
    ("summary, 24 h", "100 ms", () => $"/api/v1/audit-logs/summary?{day}"),
};

Console.WriteLine();
Console.WriteLine("| scenario | target p95 | p50 ms | p95 ms | p99 ms | max ms | p95 / baseline p95 |");
Console.WriteLine("|---|---|---|---|---|---|---|");
double? baselineP95 = null;
foreach (var (name, target, url) in scenarios.Where((s, i) => i == 0 || options.Scenarios.Count == 0
    || options.Scenarios.Any(only => s.Name.Contains(only, StringComparison.OrdinalIgnoreCase))))
{
    var times = new List<double>(options.Requests);
    var deadline = Stopwatch.StartNew();
    for (var i = 0; i < options.Warmup + options.Requests && deadline.Elapsed.TotalSeconds < options.Seconds; i++)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(url());
        await response.Content.ReadAsByteArrayAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        if (i >= options.Warmup)
        {
            times.Add(elapsed);
        }
    }

    times.Sort();
    double P(double q) => times[Math.Max(0, (int)Math.Ceiling(q * times.Count) - 1)];
    baselineP95 ??= P(0.95);
    Console.WriteLine(I($"| {name} ({times.Count}) | {(target.Length == 0 ? "-" : "≤ " + target)} | {P(0.50):F1} | {P(0.95):F1} | {P(0.99):F1} | {times[^1]:F1} | {P(0.95) / baselineP95.Value:F1}x |"));
}

// Console pages: the server time of each page a person opens (send to last byte of the HTML from 127.0.0.1), signed
// in as a console user of the tenant with the read role. Every view is also recorded in the tenant's log, as in use.
if (options.Scenarios.Count == 0 || options.Scenarios.Any(static only => string.Equals(only, "console", StringComparison.OrdinalIgnoreCase)))
{
    var consoleUser = I($"query-bench-{Environment.ProcessId}-{random.Next(1_000_000)}");
    var consolePassword = Convert.ToHexString(Guid.NewGuid().ToByteArray());
    using (var admin = new HttpClient { BaseAddress = options.Server })
    {
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AdminKey);
        (await admin.PostAsJsonAsync($"/api/v1/admin/tenants/{options.Tenant}/console-users", new { username = consoleUser, password = consolePassword, role = "read" }))
            .EnsureSuccessStatusCode();
    }

    // The session cookie is Secure (__Host-): browsers send it to http://127.0.0.1, HttpClient's cookie container does
    // not, so the cookies are carried by hand.
    using var browser = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = options.Server };
    var cookies = new Dictionary<string, string>(StringComparer.Ordinal);
    async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies.Select(static c => c.Key + "=" + c.Value)));
        }

        var response = await browser.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                var pair = setCookie.Split(';', 2)[0].Split('=', 2);
                cookies[pair[0].Trim()] = pair.Length > 1 ? pair[1].Trim() : string.Empty;
            }
        }

        return response;
    }

    using (var signInPage = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "/console/sign-in")))
    {
        var html = await signInPage.Content.ReadAsStringAsync();
        const string marker = "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"";
        var at = html.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        var token = System.Net.WebUtility.HtmlDecode(html[at..html.IndexOf('"', at)]);
        using var signIn = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/console/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = consoleUser, ["password"] = consolePassword, ["__RequestVerificationToken"] = token }),
        });
        if (signIn.StatusCode != System.Net.HttpStatusCode.Found || !cookies.ContainsKey("__Host-auditkit-console"))
        {
            throw new InvalidOperationException($"console sign-in: {(int)signIn.StatusCode}");
        }
    }

    var tenantPath = "/console/" + Uri.EscapeDataString(options.Tenant);
    var pages = new (string Name, Func<string> Url)[]
    {
        ("events, default (last 24 h, 50 rows)", () => $"{tenantPath}/events"),
        ("events, filtered by actor, 7 days", () => $"{tenantPath}/events?actor={Uri.EscapeDataString(Sample().User)}&range=7d"),
        ("events, full-text search, 24 h", () => $"{tenantPath}/events?q={words[random.Next(words.Length)]}"),
        ("events, severity CRITICAL + status FAILURE, 7 days", () => $"{tenantPath}/events?severity=CRITICAL&status=FAILURE&range=7d"),
        ("event detail", () => $"{tenantPath}/events/{Sample().Id}"),
        ("overview (24 h charts)", () => $"{tenantPath}/overview"),
        ("live tail page (newest 50)", () => $"{tenantPath}/events/tail"),
    };

    Console.WriteLine();
    Console.WriteLine(I($"console pages, signed in as a console user of {options.Tenant} (read role); target: every page ≤ 150 ms"));
    Console.WriteLine("| console page | target | p50 ms | p95 ms | p99 ms | max ms | bytes |");
    Console.WriteLine("|---|---|---|---|---|---|---|");
    foreach (var (name, url) in pages)
    {
        var times = new List<double>(options.Requests);
        long bytes = 0;
        var deadline = Stopwatch.StartNew();
        for (var i = 0; i < options.Warmup + options.Requests && deadline.Elapsed.TotalSeconds < options.Seconds; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, url()));
            var content = await response.Content.ReadAsByteArrayAsync();
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{name}: {(int)response.StatusCode} {Encoding.UTF8.GetString(content)}");
            }

            bytes = content.Length;
            if (i >= options.Warmup)
            {
                times.Add(elapsed);
            }
        }

        times.Sort();
        double P(double q) => times[Math.Max(0, (int)Math.Ceiling(q * times.Count) - 1)];
        Console.WriteLine(I($"| {name} ({times.Count}) | ≤ 150 ms | {P(0.50):F1} | {P(0.95):F1} | {P(0.99):F1} | {times[^1]:F1} | {bytes:N0} |"));
    }
}

// Export: the tenant's last N days streamed as NDJSON and CSV, next to a raw database read of the same rows.
if (options.ExportDays > 0)
{
    var exportQuery = new AuditEventQuery { From = latest.AddDays(-options.ExportDays), To = latest.AddTicks(10), IncludeTotal = false };
    var exportSql = AuditEventSql.BuildFilter(PostgresSqlDialect.Instance, options.Tenant, exportQuery);

    // The whole range through one reader, in export order: the raw read an export's keyset pages are measured against.
    var exportText = $"SELECT {AuditEventColumns.SelectList} FROM {AuditDbContext.EventsTable} e WHERE {exportSql.WhereSql} ORDER BY e.timestamp DESC, e.id DESC";
    var rawStarted = Stopwatch.GetTimestamp();
    long rawRows = 0;
    await using (var connection = await dataSource.OpenConnectionAsync())
    await using (var command = connection.CreateCommand())
    {
        command.CommandText = exportText;
        command.CommandTimeout = 0;
        exportSql.Bind(command);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync())
        {
            reader.GetValues(values);
            rawRows++;
        }
    }

    var rawRate = rawRows / Stopwatch.GetElapsedTime(rawStarted).TotalSeconds;
    Console.WriteLine();
    Console.WriteLine(I($"raw database read of the export's rows (Npgsql, every column, no serialization): {rawRows:N0} rows at {rawRate:N0} rows/s"));
    Console.WriteLine("| export | rows | seconds | rows/s | ratio to raw read | server CPU µs per row | server RSS before / peak / after (MB) |");
    Console.WriteLine("|---|---|---|---|---|---|---|");
    foreach (var format in new[] { "ndjson", "csv", "json" })
    {
        static long? RssKb(int? pid, string field = "VmRSS:")
        {
            if (pid is null)
            {
                return null;
            }

            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }

        var before = RssKb(options.ServerPid);
        long peak = before ?? 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, RssKb(options.ServerPid) ?? 0);
                try
                {
                    await Task.Delay(100, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });

        var serverCpu = ServerCpuSeconds(options.ServerPid);
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync($"/api/v1/audit-logs/export?format={format}&from_date={Q(exportQuery.From!.Value)}&to_date={Q(exportQuery.To!.Value)}", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long lines = 0, bytes = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            bytes += read;
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        serverCpu = ServerCpuSeconds(options.ServerPid) - serverCpu;
        await sampling.CancelAsync();
        await sampler;
        var after = RssKb(options.ServerPid);

        // NDJSON: a line per event; CSV: a header line plus a line per event (no seeded text holds a line break); JSON: count from raw.
        var rows = format switch { "ndjson" => lines, "csv" => lines - 1, _ => rawRows };
        var rss = options.ServerPid is null ? "-" : I($"{before / 1024.0:F0} / {peak / 1024.0:F0} / {after / 1024.0:F0}");
        Console.WriteLine(I($"| {format} ({bytes / 1048576.0:F0} MB) | {rows:N0} | {seconds:F1} | {rows / seconds:N0} | {rows / seconds / rawRate:F2} | {(serverCpu is { } cpu ? I($"{cpu * 1e6 / rows:F2}") : "-")} | {rss} |"));
    }

    // Where an export row's time goes: the server's own reading and writing code, run here over the same rows into
    // a sink that discards them (no HTTP, no socket), each stage adding one step to the one before.
    var store = new PostgresAuditEventStore(dataSource);
    var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
    ApiJsonOptions.Apply(json);
    var stages = new (string Name, Func<Task<long>> Run)[]
    {
        ("rows read as values (the raw read again)", async () =>
        {
            long n = 0;
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = exportText;
            exportSql.Bind(command);
            await using var reader = await command.ExecuteReaderAsync();
            var values = new object[reader.FieldCount];
            while (await reader.ReadAsync())
            {
                reader.GetValues(values);
                n++;
            }

            return n;
        }),
        ("rows read into events (StreamAsync: JSON fields parsed)", () => CountAsync(store.StreamAsync(options.Tenant, exportQuery, default))),
        ("events serialized as NDJSON (JsonSerializer; how exports wrote before)", async () =>
        {
            long n = 0;
            var typeInfo = json.GetTypeInfo(typeof(AuditEvent));
            await using var writer = new Utf8JsonWriter(Stream.Null, new JsonWriterOptions { Encoder = json.Encoder });
            await foreach (var e in store.StreamAsync(options.Tenant, exportQuery, default))
            {
                JsonSerializer.Serialize(writer, e, typeInfo);
                await writer.FlushAsync();
                writer.Reset();
                n++;
            }

            return n;
        }),
        ("rows read as stored (StreamRowsAsync: what exports read now)", () => CountAsync(store.StreamRowsAsync(options.Tenant, exportQuery, default))),
        ("rows written as NDJSON (the export's writer)", () => AuditJsonExportWriter.WriteAsync(store.StreamRowsAsync(options.Tenant, exportQuery, default), PipeWriter.Create(Stream.Null), true, json, default)),
        ("rows written as CSV (the export's writer)", () => AuditCsvExportWriter.WriteAsync(store.StreamRowsAsync(options.Tenant, exportQuery, default), Stream.Null, json, default)),
    };
    const int rounds = 4;
    Console.WriteLine();
    Console.WriteLine(I($"where an export row's CPU goes: the server's reading and writing code run in this process over the same rows, output discarded, every stage {rounds} times interleaved (lowest CPU per row):"));
    Console.WriteLine("| stage | CPU µs per row (this process) | bytes allocated per row | rows/s (best) |");
    Console.WriteLine("|---|---|---|---|");
    using var self = Process.GetCurrentProcess();
    var results = stages.Select(_ => (Cpu: double.MaxValue, Seconds: double.MaxValue, Rows: 0L, Bytes: double.MaxValue)).ToArray();
    for (var round = 0; round < rounds; round++)
    {
        for (var k = 0; k < stages.Length; k++)
        {
            self.Refresh();
            var cpu = self.TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var started = Stopwatch.GetTimestamp();
            var rows = await stages[k].Run();
            var bytes = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)rows;
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            self.Refresh();
            results[k] = (Math.Min(results[k].Cpu, (self.TotalProcessorTime - cpu).TotalMicroseconds / rows), Math.Min(results[k].Seconds, seconds), rows, Math.Min(results[k].Bytes, bytes));
        }
    }

    for (var k = 0; k < stages.Length; k++)
    {
        Console.WriteLine(I($"| {stages[k].Name} | {results[k].Cpu:F2} | {results[k].Bytes:N0} | {results[k].Rows / results[k].Seconds:N0} |"));
    }

    if (options.ServerPid is { } pid)
    {
        Console.WriteLine(I($"server peak RSS over its whole life (VmHWM): {File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]} kB"));
    }
}

// EXPLAIN ANALYZE of the SQL the store runs for each scenario, with one sampled value each.
var plans = new StringBuilder();
var s0 = samples[0];
var hourFrom = earliest.AddDays(10);
var dayQuery = new AuditEventQuery { From = latest.AddHours(-24), To = latest.AddTicks(10) };
var explained = new (string Name, AuditEventQuery Query)[]
{
    ("list by user", new() { UserId = s0.User, TotalCap = 10_000 }),
    ("list by resource / resource history", new() { ResourceType = s0.ResourceType, ResourceId = s0.ResourceId, TotalCap = 10_000 }),
    ("list by time range (1 h)", new() { From = hourFrom, To = hourFrom.AddHours(1), TotalCap = 10_000 }),
    ("list by severity", new() { Severity = AuditSeverity.Low, TotalCap = 10_000 }),
    ("critical", new() { Severity = AuditSeverity.Critical, TotalCap = 10_000 }),
    ("full-text search, 24 h (a rare word)", dayQuery with { Search = "deadlock", TotalCap = 10_000 }),
    ("full-text search, 24 h (a common word)", dayQuery with { Search = "invoice", TotalCap = 10_000 }),
};
async Task ExplainAsync(string title, string sql, AuditEventSql parameters)
{
    await using var command = dataSource.CreateCommand("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql);
    foreach (var (name, value) in parameters.Parameters)
    {
        command.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
    }

    plans.AppendLine(I($"### {title}")).AppendLine().AppendLine("```").AppendLine(sql).AppendLine();
    await using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        plans.AppendLine(reader.GetString(0));
    }

    plans.AppendLine("```").AppendLine();
}

foreach (var (name, query) in explained)
{
    var sql = AuditEventSql.Build(PostgresSqlDialect.Instance, options.Tenant, query);
    await ExplainAsync(name + ": page", sql.PageSql, sql);
    await ExplainAsync(name + ": total (capped)", sql.CappedCountSql, sql);
}

var ipSql = AuditGroupSql.Build(PostgresSqlDialect.Instance, options.Tenant, new AuditEventQuery { UserId = s0.User }, AuditGroupField.IpAddress, AuditGroupOrder.LastSeen);
await ExplainAsync("user ip-history", ipSql.PageSql, ipSql.Filter);
var failedSql = AuditGroupSql.Build(PostgresSqlDialect.Instance, options.Tenant, dayQuery with { FailedAuthentication = true }, AuditGroupField.IpAddress, AuditGroupOrder.Count);
await ExplainAsync("failed-auth by ip, 24 h", failedSql.PageSql, failedSql.Filter);
foreach (var rollup in new[] { true, false })
{
    var summary = AuditSummarySql.Build(PostgresSqlDialect.Instance, options.Tenant, dayQuery, AuditTimeBucket.Hour, 10, rollup);
    await ExplainAsync(summary.FromRollup ? "summary, 24 h (hourly rollup)" : "summary, 24 h (events only)", summary.Sql, summary.Parameters);
}

if (options.ExplainFile is { } file)
{
    await File.WriteAllTextAsync(file, plans.ToString());
    Console.WriteLine($"EXPLAIN ANALYZE plans written to {file}");
}
else
{
    Console.WriteLine(plans);
}

return 0;

// How many items a stream yields, read to its end.
static async Task<long> CountAsync<T>(IAsyncEnumerable<T> items)
{
    long n = 0;
    await foreach (var _ in items)
    {
        n++;
    }

    return n;
}

// User + system CPU seconds the process has used so far (Linux /proc), or null without a pid.
static double? ServerCpuSeconds(int? pid)
{
    if (pid is null)
    {
        return null;
    }

    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
}
