using System.Diagnostics;
using System.Threading.Channels;
using AuditKit.Server.Actions;
using AuditKit.Server.Storage.Postgres;

namespace AuditKit.Server.Seeding;

/// <summary>
/// <c>seed</c>: fills the configured store with demo data (see <see cref="AuditSeedEvents"/>) — tenants
/// <c>{prefix}-01</c>… and events spread evenly over the last <c>--days</c> days, written in time order as a live
/// system would. PostgreSQL gets binary COPY straight into the events table on two connections; SQLite the store's
/// batch insert. Either way the database's triggers fill the hourly summary rollup as the events go in. It adds
/// events: run it against an empty store for a clean data set.
/// </summary>
internal static partial class AuditSeedCommand
{
    private const int BatchSize = 20_000;

    public static async Task<int> RunAsync(string[] args)
    {
        AuditSeedOptions options;
        try
        {
            options = AuditSeedOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            return await CommandLine.RefuseAsync(System.Console.Error, e, AuditSeedOptions.Usage);
        }

        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddAuditStorage(builder.Configuration);
        await using var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuditSeedCommand));
        using var cancellation = CommandLine.CancelOnCtrlC();
        var cancellationToken = cancellation.Token;

        await app.Services.GetRequiredService<AuditStorageInitializer>().InitializeAsync(cancellationToken);
        var tenants = app.Services.GetRequiredService<ITenantStore>();
        var time = app.Services.GetService<TimeProvider>() ?? TimeProvider.System;
        var now = time.GetUtcNow();
        var tenantIds = Enumerable.Range(1, options.Tenants)
            .Select(i => string.Create(CultureInfo.InvariantCulture, $"{options.TenantPrefix}-{i:D2}"))
            .ToList();
        foreach (var id in tenantIds)
        {
            await tenants.CreateTenantAsync(new TenantRecord(id, "Demo tenant " + id, now), cancellationToken);
        }

        var generator = new AuditSeedEvents(tenantIds, options.RandomSeed);
        var start = now.AddDays(-options.Days);
        var step = TimeSpan.FromTicks(options.Events == 0 ? 0 : TimeSpan.FromDays(options.Days).Ticks / options.Events);
        var postgres = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuditStorageOptions>>().Value.Provider == AuditStorageProvider.Postgres;
        LogStarting(logger, options.Events, options.Tenants, options.Days, postgres ? "PostgreSQL (COPY)" : "SQLite", tenantIds[0], generator.TenantShare(0));

        var stopwatch = Stopwatch.StartNew();
        IEnumerable<(string TenantId, AuditEvent Event)> Events()
        {
            for (long i = 0; i < options.Events; i++)
            {
                yield return generator.Next(start + (step * i));
            }
        }

        var written = postgres
            ? await CopyAsync(
                app.Services.GetRequiredService<PostgresBulkLoad>(), app.Services.GetRequiredService<ActionVocabulary>(), Events(), now, logger, stopwatch, cancellationToken)
            : await InsertAsync(app.Services.GetRequiredService<IAuditEventStore>(), Events(), now, logger, stopwatch, cancellationToken);

        if (postgres)
        {
            LogVacuum(logger);
            await app.Services.GetRequiredService<PostgresBulkLoad>().AnalyzeAsync(cancellationToken);
        }

        LogDone(logger, written, stopwatch.Elapsed.TotalSeconds, written / Math.Max(stopwatch.Elapsed.TotalSeconds, 0.001));
        return 0;
    }

    // One producer makes rows in time order; two connections COPY them, one batch (one transaction) at a time.
    private static async Task<long> CopyAsync(
        PostgresBulkLoad load, ActionVocabulary actions, IEnumerable<(string TenantId, AuditEvent Event)> events, DateTimeOffset receivedAt,
        ILogger logger, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        var batches = Channel.CreateBounded<List<AuditEventRow>>(new BoundedChannelOptions(4) { SingleWriter = true });
        var producer = Task.Run(async () =>
        {
            try
            {
                var batch = new List<AuditEventRow>(BatchSize);
                foreach (var (tenantId, auditEvent) in events)
                {
                    batch.Add(AuditEventRow.From(tenantId, auditEvent, receivedAt, actions));
                    if (batch.Count == BatchSize)
                    {
                        await batches.Writer.WriteAsync(batch, cancellationToken);
                        batch = new List<AuditEventRow>(BatchSize);
                    }
                }

                if (batch.Count > 0)
                {
                    await batches.Writer.WriteAsync(batch, cancellationToken);
                }

                batches.Writer.Complete();
            }
            catch (Exception e)
            {
                batches.Writer.Complete(e);
            }
        }, cancellationToken);

        long written = 0;
        async Task ConsumeAsync()
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(cancellationToken))
            {
                await load.CopyAsync(batch, cancellationToken);
                Progress(logger, Interlocked.Add(ref written, batch.Count), batch.Count, stopwatch);
            }
        }

        await Task.WhenAll(ConsumeAsync(), ConsumeAsync(), producer);
        return written;
    }

    private static async Task<long> InsertAsync(
        IAuditEventStore store, IEnumerable<(string TenantId, AuditEvent Event)> events, DateTimeOffset receivedAt,
        ILogger logger, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        long written = 0;
        foreach (var chunk in events.Chunk(BatchSize / 4))
        {
            foreach (var tenant in chunk.GroupBy(static e => e.TenantId))
            {
                await store.InsertAsync(tenant.Key, [.. tenant.Select(static e => e.Event)], receivedAt, AuditInsertHooks.None, cancellationToken);
            }

            written += chunk.Length;
            Progress(logger, written, chunk.Length, stopwatch);
        }

        return written;
    }

    private static void Progress(ILogger logger, long written, int batch, Stopwatch stopwatch)
    {
        // About every 250,000 events.
        if (written / 250_000 != (written - batch) / 250_000)
        {
            LogProgress(logger, written, written / Math.Max(stopwatch.Elapsed.TotalSeconds, 0.001));
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information,
        Message = "Seeding {Events} events over {Tenants} tenants and {Days} days into {Store}; the largest tenant, {Largest}, gets {Share:P0}.")]
    private static partial void LogStarting(ILogger logger, long events, int tenants, int days, string store, string largest, double share);

    [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "{Written} events written ({Rate:F0}/s).")]
    private static partial void LogProgress(ILogger logger, long written, double rate);

    [LoggerMessage(EventId = 32, Level = LogLevel.Information, Message = "VACUUM ANALYZE of the events table and the hourly rollup.")]
    private static partial void LogVacuum(ILogger logger);

    [LoggerMessage(EventId = 33, Level = LogLevel.Information, Message = "Seeded {Written} events in {Seconds:F0} s ({Rate:F0}/s).")]
    private static partial void LogDone(ILogger logger, long written, double seconds, double rate);
}
