using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditKit.Server.Hosting;
using AuditKit.Server.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AuditKit.LoadTool;

/// <summary>
/// The detection benchmark (<c>--detection</c>): the real server hosted in this process on 127.0.0.1 (Kestrel) over
/// the benchmark PostgreSQL database, once with detection off and once on, alternating for <c>--rounds</c> rounds, each
/// round ingesting the same batches over HTTP from a fresh database state. Then, with detection on and the load still
/// running, probes the time from an ingest answer to the alert being listed by <c>GET /api/v1/alerts</c>.
/// </summary>
internal static class DetectionBench
{
    private static readonly string[] s_resetTables =
        ["audit_events", "alerts", "detection_outbox", "detection_user_ips", "detection_user_days", "detection_user_minutes", "webhook_deliveries"];

    public static async Task<int> RunAsync(LoadOptions options, Func<int, List<List<AuditEvent>>> makeBatches)
    {
        var postgres = options.Postgres ?? throw new ArgumentException("--detection needs --postgres (a benchmark database).");
        var batches = Serialize(makeBatches(0));
        var results = new List<(bool Detection, PhaseResult Result)>();

        // One unmeasured full round of each mode first, so neither mode's measured rounds pay for JIT compilation. It
        // has to be a full one: detection runs once per pass, not per batch, so a short warm-up (20 batches, as before)
        // left its code to be recompiled at tier 1 during the first measured round, which then ran ~25 % slower.
        foreach (var detection in new[] { false, true })
        {
            await ResetAsync(postgres);
            await using var warm = await InProcessServer.StartAsync(postgres, detection);
            var warmKey = await warm.CreateIngestKeyAsync("warm-" + Guid.NewGuid().ToString("N")[..8]);
            await LoadRun.RunAsync("warm-up", batches.Count, options.Senders, TimeSpan.FromSeconds(options.Seconds),
                (index, ct) => warm.PostBatchAsync(warmKey.Ingest, batches[index], ct));
            await warm.WaitForDetectionAsync();
        }

        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var detection in new[] { false, true })
            {
                await ResetAsync(postgres);
                await using var server = await InProcessServer.StartAsync(postgres, detection);
                var key = await server.CreateIngestKeyAsync("bench-" + Guid.NewGuid().ToString("N")[..8]);
                var result = await LoadRun.RunAsync(
                    $"round {round + 1}: detection {(detection ? "on" : "off")}", batches.Count, options.Senders, TimeSpan.FromSeconds(options.Seconds),
                    (index, ct) => server.PostBatchAsync(key.Ingest, batches[index], ct));
                if (detection)
                {
                    // Evaluation that is still queued when ingest stops is part of the cost: wait for it, report it.
                    var drain = Stopwatch.StartNew();
                    await server.WaitForDetectionAsync();
                    var drained = drain.Elapsed.TotalMilliseconds;
                    var alerts = await server.CountAlertsAsync(key.Read);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  round {round + 1}: detection queue drained {drained:F0} ms after the last ingest answer; {alerts} alerts"));
                }

                results.Add((detection, result));
            }
        }

        var passes = new PassStats();
        var latencies = await ProbeLatencyAsync(postgres, options, makeBatches, passes);

        Console.WriteLine();
        // The server runs inside this process, so "tool" is the load tool and the server together.
        Console.WriteLine($"{"phase",-40} {"rows",9} {"seconds",8} {"rows/s",9}   CPU ms per 1000 events: tool+server, server, PostgreSQL");
        foreach (var (_, r) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-40} {r.Rows,9} {r.Elapsed.TotalSeconds,8:F1} {r.RowsPerSecond,9:F0}   {r.CpuPerThousand}{(r.TimedOut ? "  (time bound reached)" : string.Empty)}"));
        }

        var off = results.Where(static r => !r.Detection).Select(static r => r.Result.RowsPerSecond).ToList();
        var on = results.Where(static r => r.Detection).Select(static r => r.Result.RowsPerSecond).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput with detection / without (mean of {options.Rounds} rounds each): {on.Average():F0} / {off.Average():F0} = {on.Average() / off.Average():F3}x"));
        if (latencies.Count > 0)
        {
            Console.WriteLine("probes in order (ms): " + string.Join(' ', latencies.Select(static l => l.ToString("F0", CultureInfo.InvariantCulture))));
            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ingest acknowledged -> alert listed, under load ({latencies.Count} probes): p50 {Percentile(latencies, 0.5):F0} ms, p95 {Percentile(latencies, 0.95):F0} ms, max {latencies[^1]:F0} ms"));
            Console.WriteLine(passes.Describe());
        }

        return 0;
    }

    /// <summary>
    /// With detection on and batches being ingested by the senders, one probe every 250 ms posts a brute force (five
    /// failed logins from an IP of its own) and polls the alert list until it shows it. The load continues with fresh
    /// sets of --events events (event time following on) until every probe has run or --seconds have passed.
    /// </summary>
    private static async Task<List<double>> ProbeLatencyAsync(string postgres, LoadOptions options, Func<int, List<List<AuditEvent>>> makeBatches, PassStats passes)
    {
        await ResetAsync(postgres);
        await using var server = await InProcessServer.StartAsync(postgres, detection: true);
        using var listener = passes.Listen();
        var key = await server.CreateIngestKeyAsync("probe-" + Guid.NewGuid().ToString("N")[..8]);
        using var load = new CancellationTokenSource(TimeSpan.FromSeconds(options.Seconds));
        var loadTask = Task.Run(async () =>
        {
            var set = 0;
            var next = Task.Run(() => Serialize(makeBatches(set)));
            while (!load.IsCancellationRequested)
            {
                var bodies = await next;
                set++;
                next = Task.Run(() => Serialize(makeBatches(set)));
                await LoadRun.RunAsync("probe load", bodies.Count, options.Senders, TimeSpan.FromSeconds(options.Seconds),
                    (index, ct) => load.IsCancellationRequested ? Task.FromResult(0) : server.PostBatchAsync(key.Ingest, bodies[index], ct));
            }

            await next;
        });
        var latencies = new List<double>();
        var probe = 0;
        while (!loadTask.IsCompleted && probe < options.Probes)
        {
            var ip = $"198.18.{probe / 250}.{(probe % 250) + 1}";
            var at = DateTimeOffset.UtcNow;
            var attack = Enumerable.Range(0, 5).Select(i => new AuditEvent
            {
                Id = Guid.CreateVersion7(),
                Timestamp = at.AddMilliseconds(i),
                Source = AuditSources.Manual,
                Action = AuditActions.LoginFailed,
                Status = AuditStatus.Failure,
                Severity = AuditSeverity.Critical,
                UserId = "probe-user",
                IpAddress = ip,
            }).ToList();
            await server.PostBatchAsync(key.Ingest, JsonSerializer.SerializeToUtf8Bytes(attack, AuditJsonContext.Default.ListAuditEvent), CancellationToken.None);
            var acknowledged = Stopwatch.StartNew();
            while (!await server.HasAlertAsync(key.Read, ip))
            {
                if (acknowledged.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException($"No alert for probe {probe} within 30 s.");
                }

                await Task.Delay(5);
            }

            latencies.Add(acknowledged.Elapsed.TotalMilliseconds);
            probe++;
            await Task.Delay(250);
        }

        await load.CancelAsync();
        await loadTask;
        return latencies;
    }

    /// <summary>The evaluation passes of the probe phase, from the server's detection metrics.</summary>
    private sealed class PassStats
    {
        private readonly List<double> _durations = [];
        private readonly List<double> _lags = [];
        private long _events;

        public MeterListener Listen()
        {
            var listener = new MeterListener
            {
                InstrumentPublished = static (instrument, l) =>
                {
                    if (instrument.Meter.Name == "AuditKit.Server"
                        && instrument.Name is "auditkit.server.detection.pass.duration" or "auditkit.server.detection.events" or "auditkit.server.detection.lag")
                    {
                        l.EnableMeasurementEvents(instrument);
                    }
                },
            };
            listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
            {
                lock (_durations)
                {
                    (instrument.Name == "auditkit.server.detection.lag" ? _lags : _durations).Add(value);
                }
            });
            listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _events, value));
            listener.Start();
            return listener;
        }

        public string Describe()
        {
            lock (_durations)
            {
                if (_durations.Count == 0)
                {
                    return "no evaluation passes recorded";
                }

                var sorted = _durations.Order().ToList();
                var lags = _lags.Order().ToList();
                return string.Create(CultureInfo.InvariantCulture,
                    $"evaluation passes during the probes: {sorted.Count}, {_events / (double)sorted.Count:F0} events each on average; duration p50 {Percentile(sorted, 0.5):F0} ms, p95 {Percentile(sorted, 0.95):F0} ms, max {sorted[^1]:F0} ms") +
                    (lags.Count == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture,
                        $"{Environment.NewLine}batch commit -> evaluated (detection lag, {lags.Count} batches): p50 {Percentile(lags, 0.5):F0} ms, p95 {Percentile(lags, 0.95):F0} ms, max {lags[^1]:F0} ms"));
            }
        }
    }

    private static List<byte[]> Serialize(List<List<AuditEvent>> batches) =>
        [.. batches.Select(static b => JsonSerializer.SerializeToUtf8Bytes(b, AuditJsonContext.Default.ListAuditEvent))];

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task ResetAsync(string postgres)
    {
        // Migrate first (the tables must exist), then start every round from the same, empty state.
        await using (var server = await InProcessServer.StartAsync(postgres, detection: false))
        {
        }

        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"TRUNCATE {string.Join(", ", s_resetTables)}; CHECKPOINT", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The AuditKit server, hosted in this process on a free port of 127.0.0.1.</summary>
    private sealed class InProcessServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _http;
        private readonly string _bootstrapKey;

        private InProcessServer(WebApplication app, HttpClient http, string bootstrapKey)
        {
            _app = app;
            _http = http;
            _bootstrapKey = bootstrapKey;
        }

        public static async Task<InProcessServer> StartAsync(string postgres, bool detection)
        {
            var bootstrapKey = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Convert.ToBase64String(Guid.NewGuid().ToByteArray());
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration["ConnectionStrings:AuditKit"] = postgres;
            builder.Configuration["AuditKit:BootstrapAdminKey"] = bootstrapKey;
            builder.Configuration["AuditKit:Detection:Enabled"] = detection ? "true" : "false";
            builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddAuditKitServer();
            builder.Services.AddAuditStorage(builder.Configuration);
            var app = builder.Build();
            app.UseAuditKitServer();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
            return new InProcessServer(app, http, bootstrapKey);
        }

        public async Task<(string Ingest, string Read)> CreateIngestKeyAsync(string tenant)
        {
            using (var created = await SendAsync(HttpMethod.Post, "/api/v1/admin/tenants", _bootstrapKey, new JsonObject { ["id"] = tenant, ["name"] = "Detection benchmark" }))
            {
                created.EnsureSuccessStatusCode();
            }

            return (await KeyAsync(tenant, "ingest"), await KeyAsync(tenant, "read"));
        }

        public async Task<int> PostBatchAsync(string ingestKey, byte[] body, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/audit-logs/batch") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ingestKey);
            using var response = await _http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            var result = await response.Content.ReadFromJsonAsync(AuditBatchJsonContext.Default.AuditBatchResult, cancellationToken);
            return result!.Accepted;
        }

        public async Task<bool> HasAlertAsync(string readKey, string ip)
        {
            using var response = await SendAsync(HttpMethod.Get, $"/api/v1/alerts?rule=brute_force&key={Uri.EscapeDataString(ip)}&limit=1", readKey, null);
            response.EnsureSuccessStatusCode();
            var page = await response.Content.ReadFromJsonAsync<JsonObject>();
            return page!["total"]!.GetValue<long>() > 0;
        }

        public async Task<long> CountAlertsAsync(string readKey)
        {
            using var response = await SendAsync(HttpMethod.Get, "/api/v1/alerts?limit=1", readKey, null);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!["total"]!.GetValue<long>();
        }

        public Task WaitForDetectionAsync() =>
            _app.Services.GetRequiredService<AuditKit.Server.Detection.DetectionQueue>().WaitForIdleAsync(CancellationToken.None);

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        private async Task<string> KeyAsync(string tenant, string role)
        {
            using var response = await SendAsync(HttpMethod.Post, $"/api/v1/admin/tenants/{tenant}/keys", _bootstrapKey, new JsonObject { ["role"] = role });
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
        }

        private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key, JsonObject? body)
        {
            var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            return _http.SendAsync(request);
        }
    }
}
