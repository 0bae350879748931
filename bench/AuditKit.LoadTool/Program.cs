using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditKit;
using AuditKit.Delivery;
using AuditKit.LoadTool;
using AuditKit.Server.Storage;
using AuditKit.Server.Storage.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

LoadRun.Cpu = new CpuMeter(options.ServerPid, options.PostgresPid);
var batches = (options.Events + options.BatchSize - 1) / options.BatchSize;
var limit = TimeSpan.FromSeconds(options.Seconds);
var tenant = "bench-" + Guid.NewGuid().ToString("N")[..8];
var results = new List<PhaseResult>();
var seed = 1;

// Events are 2 ms of event time apart; a later set (the detection probes' continuing load) follows the one before it.
List<List<AuditEvent>> MakeBatches(int set = 0)
{
    var generator = new LoadEvents(seed);
    var benign = new BenignLoadEvents(seed++);
    Func<DateTimeOffset, AuditEvent> next = options.Mix == "benign" ? benign.Next : generator.Next;
    var start = DateTimeOffset.UtcNow.AddHours(-1).AddMilliseconds(set * batches * options.BatchSize * 2.0);
    return [.. Enumerable.Range(0, batches).Select(b => Enumerable.Range(0, options.BatchSize)
        .Select(i => next(start.AddMilliseconds(((b * options.BatchSize) + i) * 2))).ToList())];
}

var sample = MakeBatches()[0];
var sampleBytes = JsonSerializer.SerializeToUtf8Bytes(sample, AuditJsonContext.Default.ListAuditEvent).Length;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{options.Events} events per phase in batches of {options.BatchSize}, {options.Senders} senders, at most {options.Seconds} s per phase; ~{sampleBytes / options.BatchSize} bytes of JSON per event, e.g.:"));
Console.WriteLine(JsonSerializer.Serialize(sample[1], AuditJsonContext.Default.AuditEvent));

if (options.Detection)
{
    return await DetectionBench.RunAsync(options, set => MakeBatches(set));
}

await using var services = options.Postgres is null ? null : new ServiceCollection()
    .AddLogging()
    .AddAuditStorage(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:AuditKit"] = options.Postgres,
        ["ConnectionStrings:AuditKitMigrations"] = options.Migrations,
    }).Build())
    .BuildServiceProvider();
if (services is not null)
{
    await services.GetRequiredService<AuditStorageInitializer>().InitializeAsync(CancellationToken.None);
}

async Task ResetAsync()
{
    if (options.Reset)
    {
        await TruncateAsync();
    }
}

async Task TruncateAsync()
{
    if (services is not null)
    {
        // The runtime role may not TRUNCATE: with --migrations the owner resets. Detection's state goes with the events,
        // for the tenants the tool made (ids "bench-…") and the --key's tenant only: their alerts and the alerts' webhook
        // deliveries, the per-user windows (the outbox is emptied with the events), so runs into one tenant do not pile
        // up alerts.
        await using var owner = options.Migrations is null ? null : NpgsqlDataSource.Create(options.Migrations);
        await using var command = (owner ?? services.GetRequiredService<NpgsqlDataSource>()).CreateCommand(
            $"""
            SELECT set_config('app.scope', 'system', true);
            TRUNCATE audit_events, audit_chain_heads, {DetectionModel.OutboxTable};
            CREATE TEMPORARY TABLE reset_tenants ON COMMIT DROP AS
                SELECT id AS tenant_id FROM tenants WHERE id LIKE 'bench-%' UNION SELECT tenant_id FROM api_keys WHERE key_hash = @key;
            DELETE FROM {DetectionModel.DeliveriesTable} WHERE tenant_id IN (SELECT tenant_id FROM reset_tenants);
            DELETE FROM {DetectionModel.AlertsTable} WHERE tenant_id IN (SELECT tenant_id FROM reset_tenants);
            DELETE FROM {DetectionModel.UserIpsTable} WHERE tenant_id IN (SELECT tenant_id FROM reset_tenants);
            DELETE FROM {DetectionModel.UserDaysTable} WHERE tenant_id IN (SELECT tenant_id FROM reset_tenants);
            DELETE FROM {DetectionModel.UserMinutesTable} WHERE tenant_id IN (SELECT tenant_id FROM reset_tenants);
            """);
        command.Parameters.AddWithValue("key", options.IngestKey is { } key ? AuditKit.Server.Auth.ApiKeyCredentials.Hash(key) : string.Empty);
        await command.ExecuteNonQueryAsync();
        await using var checkpoint = (owner ?? services.GetRequiredService<NpgsqlDataSource>()).CreateCommand("CHECKPOINT");
        await checkpoint.ExecuteNonQueryAsync();
    }
}

// Raw binary COPY of the load's rows into a scratch table made by createSql, one transaction per batch, then dropped.
async Task CopyPhaseAsync(string name, string table, string createSql)
{
    var dataSource = services!.GetRequiredService<NpgsqlDataSource>();
    await using (var setup = dataSource.CreateCommand($"DROP TABLE IF EXISTS {table}; {createSql} CHECKPOINT;"))
    {
        await setup.ExecuteNonQueryAsync();
    }

    var received = DateTimeOffset.UtcNow;
    var rows = MakeBatches().Select(b => b.Select(e => AuditEventRow.From(tenant, e, received)).ToList()).ToList();
    var copySql = $"COPY {table} ({AuditEventColumns.List}) FROM STDIN (FORMAT BINARY)";
    results.Add(await LoadRun.RunAsync(name, batches, options.Senders, limit, async (index, ct) =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var importer = await connection.BeginBinaryImportAsync(copySql, ct))
        {
            foreach (var row in rows[index])
            {
                await PostgresAuditEventStore.WriteRowAsync(importer, row, ct);
            }

            await importer.CompleteAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return rows[index].Count;
    }));
    await using var drop = dataSource.CreateCommand($"DROP TABLE {table}");
    await drop.ExecuteNonQueryAsync();
}

if (options.Phases.Contains("copy") && services is not null)
{
    await CopyPhaseAsync(
        "copy (ceiling: raw binary COPY, 3 indexes)",
        "bench_copy_ceiling",
        """
        CREATE TABLE bench_copy_ceiling (LIKE audit_events INCLUDING DEFAULTS);
        CREATE INDEX ON bench_copy_ceiling (tenant_id, "timestamp" DESC, id DESC);
        CREATE INDEX ON bench_copy_ceiling (tenant_id, user_id, "timestamp" DESC, id DESC);
        CREATE INDEX ON bench_copy_ceiling (tenant_id, resource_type, resource_id, "timestamp" DESC, id DESC);
        """);
}

if (options.Phases.Contains("copy-schema") && services is not null)
{
    // The database's own speed for this schema: the same raw binary COPY into a scratch copy of audit_events with
    // everything an insert maintains (every index, the generated tsvector, the rollup trigger), but none of the
    // store's work (no chain, dedup, outbox or detection). The gap from 'copy' is the schema's; from here to 'http'
    // is the pipeline's.
    await CopyPhaseAsync(
        "copy-schema (raw binary COPY, audit_events' full schema)",
        "bench_copy_schema",
        """
        CREATE TABLE bench_copy_schema (LIKE audit_events INCLUDING ALL);
        CREATE TRIGGER bench_copy_schema_hourly AFTER INSERT ON bench_copy_schema
            REFERENCING NEW TABLE AS inserted_events FOR EACH STATEMENT EXECUTE FUNCTION audit_event_hourly_count();
        """);
}

if (options.Phases.Contains("store") && services is not null)
{
    await ResetAsync();
    // --no-group-commit: each insert its own transaction, as before group commit (the same build, for a same-run A/B).
    // --writes-in-flight N, --lock-head-first: the store built as the server registers it, with N writes of a tenant in
    // flight, or with every write locking the head before it moves its rows.
    IAuditEventStore store = options.NoGroupCommit
        ? new PostgresAuditEventStore(services.GetRequiredService<NpgsqlDataSource>()) { GroupCommit = false }
        : options.WritesInFlight is not null || options.LockHeadFirst
            ? new PostgresAuditEventStore(
                services.GetRequiredService<NpgsqlDataSource>(), ingest: services.GetRequiredService<PostgresIngestDataSource>(),
                statistics: services.GetRequiredService<PostgresPartitionStatistics>())
            {
                WritesInFlight = options.WritesInFlight ?? AuditGroupCommit.MaxInFlight,
                LinkBeforeHead = !options.LockHeadFirst,
            }
            : services.GetRequiredService<IAuditEventStore>();
    var events = MakeBatches();
    var storeName = (options.Tenants == 1 ? "store (PostgresAuditEventStore.InsertAsync, in-process" : $"store (PostgresAuditEventStore.InsertAsync, in-process, {options.Tenants} tenants")
        + (options.NoGroupCommit ? ", no group commit" : options.WritesInFlight is { } n ? $", {n} in flight" : string.Empty)
        + (options.LockHeadFirst ? ", head locked first)" : ")");
    results.Add(await LoadRun.RunAsync(storeName, batches, options.Senders, limit, async (index, ct) =>
    {
        var batchTenant = options.Tenants == 1 ? tenant : $"{tenant}-{index % options.Tenants}";
        var outcomes = await store.InsertAsync(batchTenant, events[index], DateTimeOffset.UtcNow, AuditInsertHooks.None, ct);
        return outcomes.Count(o => o == AuditInsertOutcome.Inserted);
    }));
}

if (options.Phases.Contains("outbox") && services is not null)
{
    // What the detection outbox costs ingest: the store as ingest calls it with detection off (no outbox row) and on
    // (each batch's new event ids go to detection_outbox in the same transaction), alternating for --rounds rounds and
    // swapping which goes first, so neither is favoured by JIT warm-up or the other workloads' bursts. Nothing
    // consumes the rows here; every phase starts from empty tables.
    var store = services.GetRequiredService<IAuditEventStore>();
    var events = MakeBatches();
    var withOutbox = new List<double>();
    var without = new List<double>();
    for (var round = 1; round <= options.Rounds; round++)
    {
        foreach (var outbox in round % 2 == 1 ? new[] { false, true } : [true, false])
        {
            await TruncateAsync();
            var result = await LoadRun.RunAsync($"round {round}: store{(outbox ? " + detection_outbox row" : string.Empty)}", batches, options.Senders, limit, async (index, ct) =>
            {
                var receivedAt = DateTimeOffset.UtcNow;
                var outcomes = await store.InsertAsync($"{tenant}-{round}-{outbox}", events[index], receivedAt, outbox ? DetectionOutbox.Record(Guid.CreateVersion7(receivedAt), receivedAt) : AuditInsertHooks.None, ct);
                return outcomes.Count(o => o == AuditInsertOutcome.Inserted);
            });
            results.Add(result);
            (outbox ? withOutbox : without).Add(result.RowsPerSecond);
        }
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"store with / without the detection_outbox row (mean of {options.Rounds} rounds): {withOutbox.Average():F0} / {without.Average():F0} = {withOutbox.Average() / without.Average():F3}x"));
}

if (options.Phases.Contains("chain") && services is not null)
{
    // The chain's cost in the same build and run (see ChainPhase); the owner, with --migrations, drops and creates the index.
    await using var owner = options.Migrations is null ? null : NpgsqlDataSource.Create(options.Migrations);
    var dataSource = services.GetRequiredService<NpgsqlDataSource>();
    await ChainPhase.RunAsync(options, dataSource, owner ?? dataSource, MakeBatches(), tenant, TruncateAsync, results);
}

if (options.Phases.Contains("partial-indexes") && services is not null)
{
    // What detection's six partial indexes on audit_events cost ingest: the store with them (as migrated) and without them
    // (dropped for the round, then created again from their own definitions), alternating for --rounds rounds and
    // swapping which goes first. They hold only the rows the rules read (failed logins, deletes and exports, grants,
    // HIGH and CRITICAL events), so their cost depends on the mix: run with --mix benign for everyday traffic.
    var dataSource = services.GetRequiredService<NpgsqlDataSource>();
    var definitions = new List<(string Name, string Definition)>();
    await using (var read = dataSource.CreateCommand(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_events' AND indexname IN (" +
        "'ix_audit_events_failed_logins_ip', 'ix_audit_events_failed_logins_user', 'ix_audit_events_deletes_exports_user', " +
        "'ix_audit_events_grants_resource', 'ix_audit_events_high_user', 'ix_audit_events_critical') ORDER BY indexname"))
    await using (var reader = await read.ExecuteReaderAsync())
    {
        while (await reader.ReadAsync())
        {
            definitions.Add((reader.GetString(0), reader.GetString(1)));
        }
    }

    Console.WriteLine($"partial indexes of audit_events: {string.Join(", ", definitions.Select(static d => d.Name))}");
    async Task SetIndexesAsync(bool present)
    {
        foreach (var (name, definition) in definitions)
        {
            await using var command = dataSource.CreateCommand(present ? definition.Replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", StringComparison.Ordinal) : $"DROP INDEX IF EXISTS {name}");
            await command.ExecuteNonQueryAsync();
        }
    }

    var store = services.GetRequiredService<IAuditEventStore>();
    var events = MakeBatches();
    var with = new List<double>();
    var without = new List<double>();
    try
    {
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var present in round % 2 == 1 ? new[] { false, true } : [true, false])
            {
                await TruncateAsync();
                await SetIndexesAsync(present);
                var result = await LoadRun.RunAsync($"round {round}: store, {(present ? "with" : "without")} the partial indexes", batches, options.Senders, limit, async (index, ct) =>
                {
                    var outcomes = await store.InsertAsync($"{tenant}-{round}-{present}", events[index], DateTimeOffset.UtcNow, AuditInsertHooks.None, ct);
                    return outcomes.Count(o => o == AuditInsertOutcome.Inserted);
                });
                results.Add(result);
                (present ? with : without).Add(result.RowsPerSecond);
            }
        }
    }
    finally
    {
        await SetIndexesAsync(present: true);
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"store with / without the partial indexes (mean of {options.Rounds} rounds): {with.Average():F0} / {without.Average():F0} = {with.Average() / without.Average():F3}x"));
}

if (options.Phases.Contains("staging") && services is not null)
{
    // The store's dedup path for every batch (what a batch of retried events takes), for comparison.
    await ResetAsync();
    var store = new PostgresAuditEventStore(services.GetRequiredService<NpgsqlDataSource>(), metrics: null, copyStraightIntoTable: false);
    var events = MakeBatches();
    results.Add(await LoadRun.RunAsync("staging (store's dedup path: temp table + INSERT ON CONFLICT)", batches, options.Senders, limit, async (index, ct) =>
    {
        var outcomes = await store.InsertAsync(tenant, events[index], DateTimeOffset.UtcNow, AuditInsertHooks.None, ct);
        return outcomes.Count(o => o == AuditInsertOutcome.Inserted);
    }));
}

if (options.Phases.Contains("http") && options.Server is { } server)
{
    await ResetAsync();
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Senders * 2 }) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
    var key = options.IngestKey ?? await CreateIngestKeyAsync(http, options.AdminKey ?? throw new ArgumentException("--server needs --key or --admin-key."), tenant);
    var bodies = MakeBatches().Select(b =>
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(b, AuditJsonContext.Default.ListAuditEvent);
        if (!options.Gzip)
        {
            return json;
        }

        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(json);
        }

        return buffer.ToArray();
    }).ToList();
    // A few unmeasured batches first, so the server's JIT and connection pools are warm, as in steady state.
    var warmUp = new LoadEvents(-1);
    for (var i = 0; i < 3; i++)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(
            Enumerable.Range(0, options.BatchSize).Select(_ => warmUp.Next(DateTimeOffset.UtcNow.AddDays(-1))).ToList(), AuditJsonContext.Default.ListAuditEvent);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/audit-logs/batch") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    long rejected = 0;
    results.Add(await LoadRun.RunAsync($"http (POST /api/v1/audit-logs/batch{(options.Gzip ? ", gzip" : string.Empty)})", batches, options.Senders, limit, async (index, ct) =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/audit-logs/batch") { Content = new ByteArrayContent(bodies[index]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (options.Gzip)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Batch {index}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }

        var result = await response.Content.ReadFromJsonAsync(AuditBatchJsonContext.Default.AuditBatchResult, ct);
        Interlocked.Add(ref rejected, result!.Rejected);
        return result.Accepted;
    }));
    if (rejected > 0)
    {
        Console.WriteLine($"warning: the server rejected {rejected} events");
    }
}

if (options.Phases.Contains("sqlite") && options.SqlitePath is { } sqlitePath)
{
    // The embedded default, for reference: the same batches into a SQLite file through the same service registration.
    await using var sqlite = new ServiceCollection()
        .AddLogging()
        .AddAuditStorage(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AuditKit:Storage:SqlitePath"] = sqlitePath }).Build())
        .BuildServiceProvider();
    await sqlite.GetRequiredService<AuditStorageInitializer>().InitializeAsync(CancellationToken.None);
    var store = sqlite.GetRequiredService<IAuditEventStore>();
    var events = MakeBatches();
    results.Add(await LoadRun.RunAsync("sqlite (SqliteAuditEventStore.InsertAsync, in-process)", batches, options.Senders, limit, async (index, ct) =>
    {
        var outcomes = await store.InsertAsync(tenant, events[index], DateTimeOffset.UtcNow, AuditInsertHooks.None, ct);
        return outcomes.Count(o => o == AuditInsertOutcome.Inserted);
    }));
}

if (options.Phases.Contains("fill") && services is not null)
{
    // Several tenants of skewed sizes (the first gets about half), so plans are checked where tenant_id matters.
    var store = services.GetRequiredService<IAuditEventStore>();
    var events = MakeBatches();
    results.Add(await LoadRun.RunAsync("fill (store, 8 tenants)", batches, options.Senders, limit, async (index, ct) =>
    {
        var fillTenant = "fill-" + (index % 2 == 0 ? 0 : index % 8).ToString(CultureInfo.InvariantCulture);
        var outcomes = await store.InsertAsync(fillTenant, events[index], DateTimeOffset.UtcNow, AuditInsertHooks.None, ct);
        return outcomes.Count(o => o == AuditInsertOutcome.Inserted);
    }));
}

foreach (var (phase, durability) in new[] { ("pipeline", AuditDeliveryDurability.WriteAhead), ("pipeline-memory", AuditDeliveryDurability.Memory) })
{
    if (options.Phases.Contains(phase) && options.Server is { } pipelineServer)
    {
        await ResetAsync();
        using var http = new HttpClient { BaseAddress = pipelineServer };
        var key = options.IngestKey ?? await CreateIngestKeyAsync(http, options.AdminKey ?? throw new ArgumentException("--server needs --key or --admin-key."), tenant + "-" + phase);
        var (result, cpuPerEvent) = await PipelinePhase.RunAsync(pipelineServer, key, [.. MakeBatches().SelectMany(b => b)], options.BatchSize, options.Senders, limit, durability);
        results.Add(result);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{phase}: {cpuPerEvent.TotalMicroseconds:F1} µs of app-side CPU per event (whole process, enqueue to acknowledged)"));
    }
}

var explain = options.Phases.Contains("explain") && services is not null;
if (results.Count == 0 && !explain)
{
    Console.Error.WriteLine("Nothing to run: give --postgres and/or --server.");
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

var ceiling = results.FirstOrDefault(r => r.Name.StartsWith("copy (", StringComparison.Ordinal));
var schemaCeiling = results.FirstOrDefault(r => r.Name.StartsWith("copy-schema", StringComparison.Ordinal));
Console.WriteLine();
Console.WriteLine($"{"phase",-62} {"rows",9} {"seconds",8} {"rows/s",9} {"vs copy",8} {"vs schema",9}   CPU ms per 1000 events: {"tool",6} {"server",6} {"pg",6}");
foreach (var r in results)
{
    var ratio = ceiling is null ? "-" : (r.RowsPerSecond / ceiling.RowsPerSecond).ToString("P0", CultureInfo.InvariantCulture);
    var schemaRatio = schemaCeiling is null ? "-" : (r.RowsPerSecond / schemaCeiling.RowsPerSecond).ToString("P0", CultureInfo.InvariantCulture);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r.Name,-62} {r.Rows,9} {r.Elapsed.TotalSeconds,8:F1} {r.RowsPerSecond,9:F0} {ratio,8} {schemaRatio,9}   {"",23} {r.CpuPerThousand}{(r.TimedOut ? "  (time bound reached)" : string.Empty)}"));
}

if (explain)
{
    await QueryPlans.PrintAsync(services!.GetRequiredService<NpgsqlDataSource>());
}

return 0;

static async Task<string> CreateIngestKeyAsync(HttpClient http, string adminKey, string tenant)
{
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    using (var created = await http.PostAsJsonAsync("/api/v1/admin/tenants", new JsonObject { ["id"] = tenant, ["name"] = "Load test" }))
    {
        created.EnsureSuccessStatusCode();
    }

    using var keyResponse = await http.PostAsJsonAsync($"/api/v1/admin/tenants/{tenant}/keys", new JsonObject { ["role"] = "ingest" });
    keyResponse.EnsureSuccessStatusCode();
    var body = await keyResponse.Content.ReadFromJsonAsync<JsonObject>();
    http.DefaultRequestHeaders.Authorization = null;
    return body!["key"]!.GetValue<string>();
}
