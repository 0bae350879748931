namespace AuditKit.Server.Integrity;

/// <summary>
/// Signs the head of every tenant's hash chain every <see cref="CheckpointOptions.CheckpointInterval"/> and once at
/// graceful shutdown, skipping a tenant whose chain has not grown since its last checkpoint.
/// </summary>
/// <remarks>
/// Several server instances may sign at once: the store keeps one head checkpoint per (tenant, seq), the first
/// written, and the others' inserts are dropped. Without an <see cref="IChainHeadReader"/> (no chain) or without an
/// active key (PostgreSQL with no key configured) the job does nothing.
/// </remarks>
internal sealed partial class CheckpointService(
    IServiceProvider services,
    ICheckpointStore store,
    SigningKeyRing keys,
    IOptions<CheckpointOptions> options,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<CheckpointService> logger) : BackgroundService
{
    private readonly IChainHeadReader? _heads = services.GetService<IChainHeadReader>();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _started;

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_heads is null)
        {
            LogNoChain(logger);
            return;
        }

        // The table exists only once the host has started: the schema migration runs at start-up.
        if (keys.Active is null || !await lifetime.WaitForStartedAsync(stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        _started = true;
        while (true)
        {
            try
            {
                await Task.Delay(options.Value.CheckpointInterval, timeProvider, stoppingToken).ConfigureAwait(false);
                await SignHeadsAsync(CheckpointKinds.Periodic, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogSigningFailed(logger, CheckpointKinds.Periodic, ex);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (!_started)
        {
            return;
        }

        try
        {
            await SignHeadsAsync(CheckpointKinds.Shutdown, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogSigningFailed(logger, CheckpointKinds.Shutdown, ex);
        }
    }

    /// <summary>
    /// Signs, as <paramref name="kind"/>, the head of each tenant whose chain grew since its last checkpoint; returns
    /// how many checkpoints this call stored.
    /// </summary>
    public async Task<int> SignHeadsAsync(string kind, CancellationToken cancellationToken)
    {
        if (_heads is null || keys.Active is not { } key)
        {
            return 0;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var signed = await store.LatestSignedSeqsAsync(cancellationToken).ConfigureAwait(false);
            var now = timeProvider.GetUtcNow();
            var stored = 0;
            await foreach (var head in _heads.ReadHeadsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (signed.TryGetValue(head.TenantId, out var seq) && head.Seq <= seq)
                {
                    continue;
                }

                if (await store.TryAddAsync(CheckpointSignature.Sign(head, key, now, kind), cancellationToken).ConfigureAwait(false))
                {
                    stored++;
                }
            }

            if (stored > 0)
            {
                LogSigned(logger, stored, kind, key.KeyId);
            }

            return stored;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Signs, as <see cref="CheckpointKinds.Anchor"/>s, the last events of the runs of seqs a retention cut deleted from
    /// <paramref name="tenantId"/>'s chain: verify resumes after each from its hash instead of reporting the deleted run
    /// as missing. Returns how many were stored; none without an active key (the cut is still in <c>retention_cuts</c>).
    /// </summary>
    public async Task<int> SignAnchorsAsync(string tenantId, IEnumerable<RetentionRunEnd> runEnds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runEnds);
        if (keys.Active is not { } key)
        {
            LogAnchorUnsigned(logger, tenantId);
            return 0;
        }

        var now = timeProvider.GetUtcNow();
        var stored = 0;
        foreach (var end in runEnds)
        {
            // An event from before the chain links nothing: the chain resumes by itself after it.
            if (end.Hash is not { } hash)
            {
                continue;
            }

            if (await store.TryAddAsync(CheckpointSignature.Sign(new ChainHead(tenantId, end.Seq, hash), key, now, CheckpointKinds.Anchor), cancellationToken)
                .ConfigureAwait(false))
            {
                stored++;
            }
        }

        return stored;
    }

    [LoggerMessage(EventId = 1155, Level = LogLevel.Warning, Message = "Retention deleted events of tenant {TenantId} with no active signing key: no anchor is signed, and verify reports the deleted seqs as missing")]
    private static partial void LogAnchorUnsigned(ILogger logger, string tenantId);

    [LoggerMessage(EventId = 1152, Level = LogLevel.Debug, Message = "No chain head reader is registered: no checkpoint is signed")]
    private static partial void LogNoChain(ILogger logger);

    [LoggerMessage(EventId = 1153, Level = LogLevel.Information, Message = "Signed {Count} {Kind} checkpoints with key {KeyId}")]
    private static partial void LogSigned(ILogger logger, int count, string kind, string keyId);

    [LoggerMessage(EventId = 1154, Level = LogLevel.Error, Message = "Signing the {Kind} checkpoints failed; the job runs again after its interval")]
    private static partial void LogSigningFailed(ILogger logger, string kind, Exception exception);
}
