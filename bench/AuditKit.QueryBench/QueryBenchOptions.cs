using System.Globalization;

namespace AuditKit.QueryBench;

/// <summary>The command line of the query benchmark.</summary>
internal sealed record QueryBenchOptions
{
    public const string Usage = """
        AuditKit query benchmark: runs each read scenario --requests times (after --warmup) one request at a time
        against a running server on 127.0.0.1, with values sampled from the seeded data, and prints p50/p95/p99 next
        to a baseline (GET of one event by id through the same stack); then exports and reports rows/s next to a raw
        database read of the same rows, sampling the server's RSS; then EXPLAIN ANALYZE of each scenario's SQL.

          --server <url>          the AuditKit server (default http://127.0.0.1:5080)
          --admin-key <key>       its bootstrap admin key (creates a read key for the tenant)
          --postgres <conn>       the server's PostgreSQL (samples values, raw read baseline, EXPLAIN)
          --tenant <id>           the tenant to query (default demo-01, the largest the seed command makes)
          --requests <n>          measured requests per scenario (default 200)
          --warmup <n>            unmeasured requests per scenario first (default 20)
          --export-days <n>       days of the tenant to export (default 7; 0 skips the export)
          --scenarios <a,b,...>   only the scenarios whose name contains one of these (the baseline always runs);
                                  "console" runs the console page phase (server time of each console page)
          --server-pid <pid>      the server's process id, to sample its RSS during the export
          --seconds <n>           time bound per scenario (default 60)
          --explain <file>        where to write the EXPLAIN ANALYZE plans (default: stdout)
        """;

    public Uri Server { get; init; } = new("http://127.0.0.1:5080");
    public string AdminKey { get; init; } = string.Empty;
    public string Postgres { get; init; } = string.Empty;
    public string Tenant { get; init; } = "demo-01";
    public int Requests { get; init; } = 200;
    public int Warmup { get; init; } = 20;
    public int ExportDays { get; init; } = 7;
    public int? ServerPid { get; init; }
    public int Seconds { get; init; } = 60;
    public string? ExplainFile { get; init; }
    public IReadOnlyList<string> Scenarios { get; init; } = [];

    public static QueryBenchOptions Parse(string[] args)
    {
        var options = new QueryBenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--server" => options with { Server = new Uri(Value()) },
                "--admin-key" => options with { AdminKey = Value() },
                "--postgres" => options with { Postgres = Value() },
                "--tenant" => options with { Tenant = Value() },
                "--requests" => options with { Requests = Number() },
                "--warmup" => options with { Warmup = Number() },
                "--export-days" => options with { ExportDays = Number() },
                "--server-pid" => options with { ServerPid = Number() },
                "--seconds" => options with { Seconds = Number() },
                "--explain" => options with { ExplainFile = Value() },
                "--scenarios" => options with { Scenarios = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        if (!options.Server.IsLoopback)
        {
            throw new ArgumentException("--server must be on 127.0.0.1 / localhost: the benchmark only loads this machine.");
        }

        if (options.AdminKey.Length == 0 || options.Postgres.Length == 0)
        {
            throw new ArgumentException("--admin-key and --postgres are required.");
        }

        return options;
    }
}
