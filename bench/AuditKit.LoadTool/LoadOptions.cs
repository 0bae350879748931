using System.Globalization;
using System.Net;

namespace AuditKit.LoadTool;

/// <summary>The command line of the load tool.</summary>
internal sealed record LoadOptions
{
    public string? Postgres { get; init; }
    public string? Migrations { get; init; }
    public string? SqlitePath { get; init; }
    public Uri? Server { get; init; }
    public string? IngestKey { get; init; }
    public string? AdminKey { get; init; }
    public int Events { get; init; } = 200_000;
    public int Seconds { get; init; } = 60;
    public int Senders { get; init; } = 2;
    public int Tenants { get; init; } = 1;
    public bool NoGroupCommit { get; init; }
    public int? WritesInFlight { get; init; }
    public bool LockHeadFirst { get; init; }
    public int BatchSize { get; init; } = 1000;
    public bool Reset { get; init; }
    public int? ServerPid { get; init; }
    public int? PostgresPid { get; init; }
    public bool Gzip { get; init; }
    public bool Detection { get; init; }
    public int Rounds { get; init; } = 2;
    public int Probes { get; init; } = 20;
    public string Mix { get; init; } = "default";
    public IReadOnlySet<string> Phases { get; init; } = new HashSet<string> { "copy", "store", "http", "sqlite", "pipeline" };

    public const string Usage = """
        AuditKit ingest load tool. Every phase sends the same kind of rows (~430-byte events, 1000 per batch) from
        concurrent senders, bounded by --events and --seconds, and reports rows/s.

          --postgres <connection string>  PostgreSQL for the 'copy' and 'store' phases (a benchmark database)
          --migrations <connection string> the owner role of that database, when --postgres is the runtime role: it
                                          migrates and resets, the phases run as the runtime role (row-level security)
          --sqlite <file>                 a SQLite file for the 'sqlite' phase (created; use a scratch path)
          --server <url>                  a running AuditKit server on 127.0.0.1 for the 'http' phase
          --key <ingest key>              ingest key for --server; or
          --admin-key <bootstrap key>     creates a tenant and an ingest key on --server
          --phases copy,store,http,pipeline which phases to run (default: all that are configured)
          --events <n>                    events per phase (default 200000)
          --seconds <n>                   time bound per phase (default 60)
          --senders <n>                   concurrent senders (default 2)
          --batch <n>                     events per batch (default 1000)
          --tenants <n>                   'store', 'chain': spread the batches over n tenants, batch i to tenant i mod n (default 1)
          --no-group-commit               'store', 'chain': each insert in a transaction of its own (no group commit of one tenant's inserts)
          --writes-in-flight N            'store': writes of one tenant the store keeps in flight at once (1, or 2 as the server runs)
          --lock-head-first               'store': every write locks its tenant's chain head before it moves its rows (as
                                          before writes linked after a predicted head), for a same-build comparison
          --gzip                          gzip the HTTP bodies
          --reset                         TRUNCATE audit_events and the detection outbox before each phase, and delete
                                          the detection state (alerts, their webhook deliveries, detection_user_*) of
                                          the tool's tenants (bench-…) and the --key's tenant (benchmark databases only)
          --server-pid <pid>              report the server's CPU time per 1000 events
          --postgres-pid <pid>            report PostgreSQL's (postmaster and children) CPU time per 1000 events
          --detection                     instead of the phases: detection off vs on (see below); needs --postgres
          --rounds <n>                    --detection: rounds of off+on; phases outbox, partial-indexes, chain: rounds of without+with (default 2)
          --probes <n>                    --detection: alert latency probes under load (default 20)
          --mix default|benign            --detection: the default events, or everyday traffic no rule should flag

        Phases:
          copy   raw binary COPY of the rows into a scratch table with the 3 tenant-leading indexes (the ceiling)
          copy-schema (on request) the same raw binary COPY into a scratch copy of audit_events with its whole schema
                 (every index, the generated tsvector, the rollup trigger): the database's own speed for this schema;
                 the table gets a "vs schema" column
          store  the server's PostgresAuditEventStore.InsertAsync, called in-process (no HTTP)
          http   POST /api/v1/audit-logs/batch to --server
          staging (on request) the store's dedup path for every batch, for comparison with 'store'
          outbox (on request) 'store' without and with the detection_outbox row ingest writes per batch with detection
                 on, alternating for --rounds rounds (TRUNCATEs audit_events and detection_outbox: benchmark databases only)
          chain  (on request) 'store' with and without the hash chain (the same build, the chain switched off in the
                 store, no group commit, its (tenant_id, seq) index dropped for those rounds; --no-group-commit turns
                 group commit off for the rounds with the chain too), alternating for --rounds rounds, for
                 --senders and --tenants, with CPU per event and the active backends' wait events per variant
                 (TRUNCATEs the tables: benchmark databases only; the owner role needs pg_read_all_stats for the waits)
          partial-indexes (on request) 'store' with and without detection's partial indexes on audit_events,
                 alternating for --rounds rounds (drops and re-creates them; TRUNCATEs audit_events: benchmark databases only)
          sqlite the embedded store's InsertAsync into --sqlite, for reference
          fill   (on request) stores --events events over 8 tenants of skewed sizes, for 'explain'
          explain (on request) prints the plans of typical list queries against the largest tenant
          pipeline the same events through one app's AuditKit delivery pipeline (IAuditSink) to --server, enqueue to
                   acknowledged, with the app-side CPU time per event; batches written ahead to the spool (the
                   default Durability=WriteAhead)
          pipeline-memory  the same with Durability=Memory (no write-ahead), for the write-ahead cost ratio

        --detection hosts the server in this process on 127.0.0.1 over --postgres (its tables are TRUNCATEd: a
        benchmark database only) and ingests the same batches over HTTP with detection off, then on, --rounds times;
        then, under the same load with detection on, measures ingest acknowledged -> alert listed on /api/v1/alerts.
        """;

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.Parse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--postgres" => options with { Postgres = Value() },
                "--migrations" => options with { Migrations = Value() },
                "--sqlite" => options with { SqlitePath = Value() },
                "--server" => options with { Server = new Uri(Value()) },
                "--key" => options with { IngestKey = Value() },
                "--admin-key" => options with { AdminKey = Value() },
                "--events" => options with { Events = Number() },
                "--seconds" => options with { Seconds = Number() },
                "--senders" => options with { Senders = Number() },
                "--batch" => options with { BatchSize = Number() },
                "--tenants" => options with { Tenants = Number() },
                "--no-group-commit" => options with { NoGroupCommit = true },
                "--writes-in-flight" => options with { WritesInFlight = Number() },
                "--lock-head-first" => options with { LockHeadFirst = true },
                "--gzip" => options with { Gzip = true },
                "--reset" => options with { Reset = true },
                "--server-pid" => options with { ServerPid = Number() },
                "--postgres-pid" => options with { PostgresPid = Number() },
                "--detection" => options with { Detection = true },
                "--rounds" => options with { Rounds = Number() },
                "--probes" => options with { Probes = Number() },
                "--mix" => options with { Mix = Value() is "benign" ? "benign" : "default" },
                "--phases" => options with { Phases = Value().Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet() },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        if (options.Server is { } server && !IsLoopback(server))
        {
            throw new ArgumentException("--server must be a loopback address (127.0.0.1, ::1 or localhost).");
        }

        if (options.Events < 1 || options.Seconds < 1 || options.Senders < 1 || options.Tenants < 1 || options.Rounds < 1 || options.Probes < 0 || options.BatchSize is < 1 or > AuditEventLimits.BatchEvents)
        {
            throw new ArgumentException("--events, --seconds, --senders, --tenants must be positive and --batch 1..1000.");
        }

        return options;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
