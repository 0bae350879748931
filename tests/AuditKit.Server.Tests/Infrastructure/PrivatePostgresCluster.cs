namespace AuditKit.Server.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of one test's own (initdb and pg_ctl from /usr/lib/postgresql/*/bin, on a free 127.0.0.1
/// port in a temp directory, as build/test.sh starts the shared one), for tests that stop and start the database
/// under a running server. Run as the <c>postgres</c> account when the tests run as root (PostgreSQL refuses root).
/// </summary>
public sealed class PrivatePostgresCluster : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("auditkit-private-pg");
    private readonly string _bin;
    private readonly string? _runAs;
    private bool _running;

    private PrivatePostgresCluster(string bin, string? runAs, int port)
    {
        _bin = bin;
        _runAs = runAs;
        Port = port;
    }

    public int Port { get; }

    private string DataDirectory => Path.Combine(_directory.Path, "data");

    /// <summary>The connection string of the cluster's <c>postgres</c> database, with short timeouts.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=auditkit;Database=postgres;Timeout=5;Command Timeout=30";

    /// <summary>Creates and starts a cluster; null when PostgreSQL's server binaries are not installed.</summary>
    public static async Task<PrivatePostgresCluster?> CreateAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(static d => Path.Combine(d, "bin"))
                .Where(static d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderBy(static d => d, StringComparer.Ordinal).LastOrDefault()
            : null;
        if (bin is null)
        {
            return null;
        }

        return await CreateStartedAsync(bin, Environment.UserName == "root" ? "postgres" : null, static cluster => cluster.RunPostgresAsync(
            "initdb", "-D", cluster.DataDirectory, "-U", "auditkit", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"));
    }

    /// <summary>
    /// A hot standby of this cluster, streaming its WAL: <c>pg_basebackup -R -X stream</c> into a temp directory of its
    /// own, started on another free 127.0.0.1 port (it accepts read-only connections once consistent).
    /// </summary>
    public Task<PrivatePostgresCluster> CreateStandbyAsync() =>
        CreateStartedAsync(_bin, _runAs, async standby =>
        {
            await RunAsync("chmod", "700", standby.DataDirectory);
            await standby.RunPostgresAsync(
                "pg_basebackup", "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "auditkit",
                "-D", standby.DataDirectory, "-R", "-X", "stream", "-c", "fast", "--no-sync");
        });

    /// <summary>
    /// A cluster on a free port: its data directory made (and handed to <paramref name="runAs"/>, if any), filled by
    /// <paramref name="fill"/> and started; disposed again if a step fails.
    /// </summary>
    private static async Task<PrivatePostgresCluster> CreateStartedAsync(string bin, string? runAs, Func<PrivatePostgresCluster, Task> fill)
    {
        var cluster = new PrivatePostgresCluster(bin, runAs, FreePort());
        try
        {
            Directory.CreateDirectory(cluster.DataDirectory);
            if (runAs is not null)
            {
                await RunAsync("chmod", "755", cluster._directory.Path);
                await RunAsync("chown", runAs, cluster.DataDirectory);
            }

            await fill(cluster);
            await cluster.StartAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the (stopped) cluster and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        await RunPostgresAsync(
            "pg_ctl", "-D", DataDirectory, "-l", Path.Combine(DataDirectory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {DataDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off", "start");
        _running = true;
    }

    /// <summary>Stops the cluster (fast shutdown: open sessions are ended) and waits until it is down.</summary>
    public async Task StopAsync()
    {
        await RunPostgresAsync("pg_ctl", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop");
        _running = false;
    }

    public async ValueTask DisposeAsync()
    {
        if (_running)
        {
            await RunPostgresAsync("pg_ctl", "-D", DataDirectory, "-m", "immediate", "-w", "stop");
        }

        _directory.Dispose();
    }

    private Task RunPostgresAsync(string tool, params string[] arguments) =>
        _runAs is null
            ? RunAsync(Path.Combine(_bin, tool), arguments)
            : RunAsync("runuser", ["-u", _runAs, "--", Path.Combine(_bin, tool), .. arguments]);

    private static async Task RunAsync(string fileName, params string[] arguments)
    {
        var (exitCode, output, error) = await ChildProcess.RunAsync(fileName, arguments, TimeSpan.FromSeconds(120));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {exitCode}: {output}{error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
