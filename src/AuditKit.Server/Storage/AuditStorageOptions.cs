using Npgsql;

namespace AuditKit.Server.Storage;

/// <summary>
/// Where events are stored. With <c>ConnectionStrings:AuditKit</c> set the server uses that PostgreSQL database;
/// otherwise the embedded SQLite file at <c>AuditKit:Storage:SqlitePath</c>, created on first start.
/// </summary>
internal sealed class AuditStorageOptions
{
    /// <summary>The configuration section of these options.</summary>
    public const string SectionName = "AuditKit:Storage";

    /// <summary>The name under <c>ConnectionStrings</c> of the PostgreSQL connection string.</summary>
    public const string ConnectionStringName = "AuditKit";

    /// <summary>The name under <c>ConnectionStrings</c> of the optional PostgreSQL connection string of the owner role.</summary>
    public const string MigrationsConnectionStringName = "AuditKitMigrations";

    /// <summary>The name under <c>ConnectionStrings</c> of the optional PostgreSQL connection string of a read replica.</summary>
    public const string ReadConnectionStringName = "AuditKitRead";

    /// <summary>The default of <see cref="ReadReplicaMaxLag"/>.</summary>
    public static readonly TimeSpan DefaultReadReplicaMaxLag = TimeSpan.FromSeconds(5);

    /// <summary>The longest <see cref="ReadReplicaMaxLag"/> accepted.</summary>
    public static readonly TimeSpan MaxReadReplicaMaxLag = TimeSpan.FromHours(1);

    /// <summary>The PostgreSQL connection string (from <c>ConnectionStrings:AuditKit</c>); null or empty for SQLite.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// The PostgreSQL connection string of the role that owns the schema (from <c>ConnectionStrings:AuditKitMigrations</c>):
    /// when set, start-up migrates with it and then grants the role of <see cref="PostgresConnectionString"/> only what
    /// requests need (<c>PostgresRuntimeGrants</c>). Null or empty: the one connection string does both.
    /// </summary>
    public string? MigrationsConnectionString { get; set; }

    /// <summary>
    /// The PostgreSQL connection string of a streaming read replica (hot standby) of the database of
    /// <see cref="PostgresConnectionString"/> (from <c>ConnectionStrings:AuditKitRead</c>): when set, the event reads
    /// of lists, searches, summaries, groups and exports go to it while it lags the primary by at most
    /// <see cref="ReadReplicaMaxLag"/>, and to the primary otherwise. Null or empty: every read goes to the primary.
    /// </summary>
    public string? ReadConnectionString { get; set; }

    /// <summary>Whether a read replica is configured (PostgreSQL only).</summary>
    public bool HasReadReplica =>
        Provider == AuditStorageProvider.Postgres && !string.IsNullOrWhiteSpace(ReadConnectionString);

    /// <summary>
    /// How far behind the primary the read replica may be and still answer reads (5 s by default): beyond it, or when
    /// the replica cannot be reached, reads go to the primary (see <c>PostgresConnections</c>).
    /// </summary>
    public TimeSpan ReadReplicaMaxLag { get; set; } = DefaultReadReplicaMaxLag;

    /// <summary>Whether a separate owner connection string is configured (PostgreSQL only).</summary>
    public bool HasOwnerConnection =>
        Provider == AuditStorageProvider.Postgres && !string.IsNullOrWhiteSpace(MigrationsConnectionString);

    /// <summary>The SQLite file, relative to the working directory unless rooted. Its directory is created.</summary>
    public string SqlitePath { get; set; } = Path.Combine("data", "auditkit.db");

    /// <summary>Whether to apply pending migrations at start-up (on by default; turn off to migrate out of band).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// Whether summaries read the whole hours of their range from the hourly rollup (on by default). Off, every
    /// summary counts the events of its range one by one: the same answer, at a cost that grows with the range.
    /// </summary>
    public bool SummaryRollup { get; set; } = true;

    /// <summary>The default of <see cref="MaxPoolSize"/>.</summary>
    public const int DefaultMaxPoolSize = 50;

    /// <summary>
    /// The most PostgreSQL connections of this server instance's shared pool (Npgsql's <c>Maximum Pool Size</c>; the event
    /// store's write pool, <see cref="IngestPoolSize"/>, comes on top), 50 by default:
    /// half of PostgreSQL's default <c>max_connections</c> of 100, leaving room for a second instance, migrations and
    /// an operator's session. A <c>Maximum Pool Size</c> in the connection string wins over this setting.
    /// </summary>
    public int MaxPoolSize { get; set; } = DefaultMaxPoolSize;

    /// <summary>The default of <see cref="IngestPoolSize"/>.</summary>
    public const int DefaultIngestPoolSize = 8;

    /// <summary>
    /// The most PostgreSQL connections of the event store's write pool (8 by default), on top of
    /// <see cref="MaxPoolSize"/>: the store writes batches through a pool of its own that is not reset between batches,
    /// so its staging table is made once per connection (see <c>PostgresIngestDataSource</c>). One tenant's writes go
    /// one at a time (group commit), so this bounds how many tenants' batches are written at once; more wait for a
    /// connection.
    /// </summary>
    public int IngestPoolSize { get; set; } = DefaultIngestPoolSize;

    /// <summary>The default of <see cref="MaxAutoPrepare"/>.</summary>
    public const int DefaultMaxAutoPrepare = 100;

    /// <summary>
    /// How many statements each connection of the shared pool (and the read replica's) keeps prepared (Npgsql's
    /// <c>Max Auto Prepare</c>; a statement is prepared on its fifth use in a connection), 100 by default, 0 for none.
    /// A prepared statement that PostgreSQL finds no cheaper to plan for its values than in general runs a plan made
    /// once: a query with no time range then no longer plans over every time partition of <c>audit_events</c> on each
    /// call (docs/bench-query.md, "Time partitions"). A <c>Max Auto Prepare</c> in the connection string wins; the
    /// event store's write pool is left as it is.
    /// </summary>
    public int MaxAutoPrepare { get; set; } = DefaultMaxAutoPrepare;

    /// <summary>Which provider these options select.</summary>
    public AuditStorageProvider Provider =>
        string.IsNullOrWhiteSpace(PostgresConnectionString) ? AuditStorageProvider.Sqlite : AuditStorageProvider.Postgres;

    /// <summary>
    /// The connection string the server connects with: <see cref="PostgresConnectionString"/> with
    /// <c>Maximum Pool Size</c> set to <see cref="MaxPoolSize"/> unless the connection string names one itself.
    /// </summary>
    public string PooledConnectionString() => Pooled(PostgresConnectionString);

    /// <summary><see cref="ReadConnectionString"/> with <c>Maximum Pool Size</c> set as <see cref="PooledConnectionString"/> does.</summary>
    public string PooledReadConnectionString() => Pooled(ReadConnectionString);

    /// <summary>
    /// <paramref name="connectionString"/> (one of the pooled ones) with <c>Max Auto Prepare</c> set to
    /// <see cref="MaxAutoPrepare"/> unless it names one itself: what the shared pool and the read replica's connect with.
    /// </summary>
    public string AutoPrepared(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Names(connectionString, "MAXAUTOPREPARE"))
        {
            builder.MaxAutoPrepare = MaxAutoPrepare;
        }

        return builder.ConnectionString;
    }

    private string Pooled(string? connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Names(connectionString, "MAXPOOLSIZE", "MAXIMUMPOOLSIZE"))
        {
            builder.MaxPoolSize = MaxPoolSize;
        }

        return builder.ConnectionString;
    }

    private static bool Names(string? connectionString, params string[] keys) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>()
            .Any(k => keys.Contains(k.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant(), StringComparer.Ordinal));

    /// <summary>
    /// Why <paramref name="connectionString"/> (the one under <c>ConnectionStrings:</c><paramref name="name"/>) is not a
    /// PostgreSQL connection string; null when it is one or is not set (the main one is always set with PostgreSQL).
    /// </summary>
    private static string? ConnectionStringError(string? connectionString, string name)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return null;
        }
        catch (ArgumentException e)
        {
            return $"ConnectionStrings:{name} is not a valid PostgreSQL connection string: {e.Message}";
        }
    }

    /// <summary>The reasons these options cannot work, if any.</summary>
    public IEnumerable<string> Validate()
    {
        if (Provider == AuditStorageProvider.Postgres)
        {
            foreach (var (connectionString, name) in new[]
            {
                (PostgresConnectionString, ConnectionStringName),
                (MigrationsConnectionString, MigrationsConnectionStringName),
                (ReadConnectionString, ReadConnectionStringName),
            })
            {
                if (ConnectionStringError(connectionString, name) is { } error)
                {
                    yield return error;
                }
            }

            if (ReadReplicaMaxLag <= TimeSpan.Zero || ReadReplicaMaxLag > MaxReadReplicaMaxLag)
            {
                yield return $"{SectionName}:ReadReplicaMaxLag must be more than 00:00:00 and at most {MaxReadReplicaMaxLag:c} (was {ReadReplicaMaxLag:c}).";
            }

            if (MaxPoolSize is < 1 or > 1024)
            {
                yield return $"{SectionName}:MaxPoolSize must be between 1 and 1024 (was {MaxPoolSize}).";
            }

            if (IngestPoolSize is < 1 or > 1024)
            {
                yield return $"{SectionName}:IngestPoolSize must be between 1 and 1024 (was {IngestPoolSize}).";
            }

            if (MaxAutoPrepare is < 0 or > 256)
            {
                yield return $"{SectionName}:MaxAutoPrepare must be between 0 and 256 (was {MaxAutoPrepare}).";
            }
        }
        else if (string.IsNullOrWhiteSpace(SqlitePath))
        {
            yield return $"{SectionName}:SqlitePath must name a file when no PostgreSQL connection string is configured.";
        }
        else
        {
            if (!string.IsNullOrWhiteSpace(MigrationsConnectionString))
            {
                yield return $"ConnectionStrings:{MigrationsConnectionStringName} is set but ConnectionStrings:{ConnectionStringName} is not: the owner connection is for PostgreSQL only.";
            }

            if (!string.IsNullOrWhiteSpace(ReadConnectionString))
            {
                yield return $"ConnectionStrings:{ReadConnectionStringName} is set but ConnectionStrings:{ConnectionStringName} is not: read replicas are for PostgreSQL only (SQLite has none).";
            }
        }
    }
}
