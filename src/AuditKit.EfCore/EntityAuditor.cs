using System.Data.Common;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using AuditKit.Masking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuditKit.EfCore;

/// <summary>
/// Turns what a context writes into events: captures the old and new values when SaveChanges starts, builds the
/// events when it succeeds (or the failure event when it fails), and builds the events of bulk commands. Whether and
/// when the events reach the sink is <see cref="Buffer"/>'s job (only committed work). One instance serves every
/// context built with the same options; per-context state is kept beside each context.
/// </summary>
internal sealed class EntityAuditor
{
    private readonly ConditionalWeakTable<DbContext, ContextAuditState> _states = new();
    private readonly EntityAuditOptions _options;
    private readonly IAuditContextAccessor _contextAccessor;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly EfCoreAuditMetrics _metrics;
    private readonly EntityChangeCollector _collector;
    private readonly EntityEventFactory _events;
    private readonly BulkCommandEventFactory _bulk;

    public EntityAuditor(
        EntityAuditOptions options,
        AuditMasker masker,
        IAuditSink sink,
        IAuditContextAccessor contextAccessor,
        TimeProvider timeProvider,
        ILogger<EntityAuditor>? logger = null,
        IMeterFactory? meterFactory = null,
        EfCoreInternals? internals = null)
    {
        _options = options;
        _contextAccessor = contextAccessor;
        _timeProvider = timeProvider;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = new EfCoreAuditMetrics(meterFactory);
        Internals = internals ?? EfCoreInternals.Current;
        if (Internals.Missing.Count > 0)
        {
            _logger.EfCoreInternalsUnavailable(EfCoreInternals.EfCoreVersion, string.Join(", ", Internals.Missing), EfCoreInternals.SupportedRange);
        }

        Buffer = new AuditEventBuffer(sink, _logger, _metrics);
        var plans = new EntityAuditPlanCache(options, masker);
        var encoder = new AuditValueEncoder(masker, options.MaxValueLength, options.MaxBinaryLength);
        _collector = new EntityChangeCollector(plans);
        _events = new EntityEventFactory(options, encoder);
        _bulk = new BulkCommandEventFactory(options, plans, encoder, masker);
        ContextInterceptors = [new AuditSaveChangesInterceptor(this), new AuditTransactionInterceptor(Buffer)];
        Interceptors = options.CaptureBulkOperations ? [.. ContextInterceptors, new BulkCommandAuditInterceptor(this)] : ContextInterceptors;
        OptionsExtension = options.CaptureBulkOperations ? new AuditingOptionsExtension(this) : null;
    }

    /// <summary>
    /// The interceptors for <c>AddInterceptors</c> (<c>GetAuditingInterceptors</c>): with bulk capture on, they include
    /// a command interceptor, which makes EF Core raise several events for every command. Shared by every context.
    /// </summary>
    public IInterceptor[] Interceptors { get; }

    /// <summary>
    /// The interceptors <c>AddEntityAuditing</c> adds: SaveChanges and transactions only; bulk commands are seen through
    /// <see cref="OptionsExtension"/> instead (see <see cref="AuditingCommandDiagnosticsLogger"/>). Shared by every context.
    /// </summary>
    public IInterceptor[] ContextInterceptors { get; }

    /// <summary>What <c>AddEntityAuditing</c> adds to the options to capture bulk commands; <see langword="null"/> when they are not captured.</summary>
    public AuditingOptionsExtension? OptionsExtension { get; }

    /// <summary>Holds the events built here until their work commits, then hands them to the sink.</summary>
    public AuditEventBuffer Buffer { get; }

    /// <summary>Which EF Core internals the fast paths may use; where one is missing, its public counterpart is used.</summary>
    public EfCoreInternals Internals { get; }

    /// <summary>The saves in progress on <paramref name="context"/> (made on first use, then kept beside the context).</summary>
    public ContextAuditState SavesOf(DbContext context) => StateOf(context);

    // ---- SaveChanges ----------------------------------------------------------------------------------------

    /// <summary>
    /// Starts capturing a save. EF Core calls the SaveChanges interceptors before it runs DetectChanges, so reading
    /// the change tracker here would run DetectChanges once more, a full pass over every tracked entity that EF Core
    /// then repeats. When EF Core is certain to detect changes itself (auto-detection on, the model not opted out of
    /// it) and nothing must be read from the database first, the capture waits for EF Core's own pass instead: it is
    /// taken in <c>ChangeTracker.DetectedAllChanges</c>, right after that pass and before anything is written.
    /// </summary>
    public void SavingChanges(DbContext? context)
    {
        if (StartSave(context) is not { } save)
        {
            return;
        }

        foreach (var entry in save.Reload ?? [])
        {
            try
            {
                EntityChangeCollector.UseDatabaseValues(entry, entry.Entry.GetDatabaseValues());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ReloadFailed(entry, ex);
            }
        }

        save.State.PushSave(save.Capture);
    }

    public async ValueTask SavingChangesAsync(DbContext? context, CancellationToken cancellationToken)
    {
        if (StartSave(context) is not { } save)
        {
            return;
        }

        foreach (var entry in save.Reload ?? [])
        {
            try
            {
                var values = await entry.Entry.GetDatabaseValuesAsync(cancellationToken).ConfigureAwait(false);
                EntityChangeCollector.UseDatabaseValues(entry, values);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ReloadFailed(entry, ex);
            }
        }

        save.State.PushSave(save.Capture);
    }

    /// <summary>
    /// What <see cref="SavingChanges"/> and its async twin share: the capture started, and either left to EF Core's
    /// own change detection (pushed already; null returned) or taken now, with the entries whose values must first be
    /// read from the database (<c>Reload</c>, null when none); the caller reads them and pushes the capture.
    /// </summary>
    private (ContextAuditState State, SaveChangesCapture Capture, List<CapturedEntry>? Reload)? StartSave(DbContext? context)
    {
        if (context is null)
        {
            return null;
        }

        var state = StateOf(context);
        var capture = StartCapture(context, state);
        if (WaitsForDetectChanges(context))
        {
            state.PushSave(capture);
            AwaitDetection(context, state, capture);
            return null;
        }

        return (state, capture, Capture(context, capture));
    }

    // A row that could not be read back: its original values are unknown, and the event says so.
    private void ReloadFailed(CapturedEntry entry, Exception exception)
    {
        entry.OriginalValuesUnknown = true;
        _logger.ReloadFailed(exception, entry.Plan.ResourceType);
    }

    public void SavedChanges(DbContext? context)
    {
        if (context is null || !_states.TryGetValue(context, out var state) || state.PopSave() is not { } capture)
        {
            return;
        }

        StopAwaitingDetection(context, state);
        StopWaitingForConcurrencyFailure(context, state);
        if (capture.Entries.Count == 0)
        {
            return;
        }

        List<AuditEvent> events = [];
        try
        {
            _events.Build(capture, _timeProvider.GetUtcNow(), events);
        }
        catch (Exception ex)
        {
            _metrics.Error();
            _logger.BuildFailed(ex, context.GetType().Name);
            return;
        }

        Buffer.Dispatch(context, events);
    }

    public void SaveChangesFailed(DbContext? context, Exception exception)
    {
        if (context is null || !_states.TryGetValue(context, out var state) || state.PopSave() is not { } capture)
        {
            return;
        }

        StopAwaitingDetection(context, state);
        StopWaitingForConcurrencyFailure(context, state);
        RecordFailure(context, capture, exception);
    }

    public void SaveChangesCanceled(DbContext? context)
    {
        if (context is not null && _states.TryGetValue(context, out var state))
        {
            state.PopSave();
            StopAwaitingDetection(context, state);
            StopWaitingForConcurrencyFailure(context, state);
        }
    }

    /// <summary>
    /// EF Core reports an optimistic concurrency failure through this hook and the context's <c>SaveChangesFailed</c>
    /// event, not through the interceptor's <c>SaveChangesFailed</c>. An interceptor registered after this one may
    /// still suppress the exception, so the failure is recorded only when the context event confirms it.
    /// </summary>
    public void ThrowingConcurrencyException(DbContext? context, Exception exception, bool suppressed)
    {
        if (suppressed || context is null || !_states.TryGetValue(context, out var state) || state.CurrentSave is not { } capture)
        {
            return;
        }

        capture.ConcurrencyFailure = exception;
        if (state.ConcurrencyFailureHandler is null)
        {
            state.ConcurrencyFailureHandler = (sender, args) =>
            {
                if (sender is DbContext failed && _states.TryGetValue(failed, out var failedState))
                {
                    StopWaitingForConcurrencyFailure(failed, failedState);
                    if (failedState.CurrentSave is { ConcurrencyFailure: not null })
                    {
                        RecordFailure(failed, failedState.PopSave()!, args.Exception);
                    }
                }
            };
            context.SaveChangesFailed += state.ConcurrencyFailureHandler;
        }
    }

    // ---- Bulk commands ------------------------------------------------------------------------------------------

    public void BulkExecuted(DbContext? context, CommandSource source, DbCommand command, int rowsAffected)
    {
        if (!_options.CaptureBulkOperations
            || context is null
            || source is not (CommandSource.ExecuteUpdate or CommandSource.ExecuteDelete))
        {
            return;
        }

        var isDelete = source == CommandSource.ExecuteDelete;
        try
        {
            var scope = AuditScope.Capture(_contextAccessor);
            if (_bulk.Build(context, command, isDelete, rowsAffected, scope, _timeProvider.GetUtcNow()) is { } auditEvent)
            {
                Buffer.Dispatch(context, [auditEvent]);
            }
        }
        catch (Exception ex)
        {
            _metrics.Error();
            _logger.BulkCaptureFailed(ex, isDelete ? "ExecuteDelete" : "ExecuteUpdate", context.GetType().Name);
        }
    }

    // ---- Shared -------------------------------------------------------------------------------------------------

    /// <summary>The capture of a save starting now, with the ambient who / tenant / trace of its caller.</summary>
    private SaveChangesCapture StartCapture(DbContext context, ContextAuditState state)
    {
        DropAbandonedSave(context, state);
        Buffer.SaveStarting(context);
        return new SaveChangesCapture(AuditScope.Capture(_contextAccessor));
    }

    /// <summary>
    /// A save still waiting for EF Core's DetectChanges when the next one starts never began: a SaveChanges interceptor
    /// after this one, or DetectChanges itself, threw, and EF Core then calls no completion hook. Left on the stack it
    /// would count as a save under way (<see cref="ContextAuditState.Saving"/>), and the context's bulk commands would
    /// be left to EF Core's pause by <see cref="AuditingCommandDiagnosticsLogger"/>.
    /// </summary>
    private static void DropAbandonedSave(DbContext context, ContextAuditState state)
    {
        if (state.AwaitingDetection is { } abandoned)
        {
            state.Saves.Remove(abandoned);
            StopAwaitingDetection(context, state);
        }
    }

    /// <summary>Fills <paramref name="capture"/> from the change tracker; returns the entries whose database values must be read.</summary>
    private List<CapturedEntry>? Capture(DbContext context, SaveChangesCapture capture)
    {
        try
        {
            _collector.Collect(
                context,
                capture,
                _options.ReloadDatabaseValuesForUpdatedEntities,
                unchangedOwned: _options.ValuesOnUpdate == AuditedValues.All,
                out var reload);
            return reload;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Auditing never stops the application's save; the loss is logged and counted.
            capture.Entries.Clear();
            _metrics.Error();
            _logger.CaptureFailed(ex, context.GetType().Name);
            return null;
        }
    }

    /// <summary>
    /// Whether EF Core will run DetectChanges (and raise <c>DetectedAllChanges</c>) between the SaveChanges
    /// interceptors and the first write. Entities attached with <c>Update()</c> whose database values are reloaded
    /// need the capture at once, to query the database before the save.
    /// </summary>
    private bool WaitsForDetectChanges(DbContext context)
    {
        if (_options.ReloadDatabaseValuesForUpdatedEntities || !context.ChangeTracker.AutoDetectChangesEnabled)
        {
            return false;
        }

        // The model's SkipDetectChanges flag is an EF Core internal: where it is missing or changed, EfCoreInternals
        // works the answer out from public metadata instead.
        return Internals.DetectsChangesOnSave(context.Model);
    }

    private void AwaitDetection(DbContext context, ContextAuditState state, SaveChangesCapture capture)
    {
        state.DetectedAllChangesHandler ??= (_, _) => CaptureDetected(context, state);

        // Removed first: a save that ended without a completion hook may have left it subscribed.
        context.ChangeTracker.DetectedAllChanges -= state.DetectedAllChangesHandler;
        context.ChangeTracker.DetectedAllChanges += state.DetectedAllChangesHandler;
        state.AwaitingDetection = capture;
    }

    /// <summary>EF Core has just detected the changes it is about to save (auto-detection is off meanwhile).</summary>
    private void CaptureDetected(DbContext context, ContextAuditState state)
    {
        if (state.AwaitingDetection is not { } capture)
        {
            return;
        }

        StopAwaitingDetection(context, state);
        Capture(context, capture);
    }

    private static void StopAwaitingDetection(DbContext context, ContextAuditState state)
    {
        if (state.AwaitingDetection is not null)
        {
            state.AwaitingDetection = null;
            context.ChangeTracker.DetectedAllChanges -= state.DetectedAllChangesHandler;
        }
    }

    private void RecordFailure(DbContext context, SaveChangesCapture capture, Exception exception)
    {
        if (!_options.RecordFailedSaves || capture.Entries.Count == 0)
        {
            return;
        }

        try
        {
            // A failure is a fact whether or not a surrounding transaction commits, so it is not held back.
            Buffer.Write([_events.BuildFailure(capture, exception, _timeProvider.GetUtcNow())]);
        }
        catch (Exception ex)
        {
            _metrics.Error();
            _logger.BuildFailed(ex, context.GetType().Name);
        }
    }

    private static void StopWaitingForConcurrencyFailure(DbContext context, ContextAuditState state)
    {
        if (state.ConcurrencyFailureHandler is { } handler)
        {
            context.SaveChangesFailed -= handler;
            state.ConcurrencyFailureHandler = null;
        }
    }

    private ContextAuditState StateOf(DbContext context) => _states.GetOrCreateValue(context);
}
