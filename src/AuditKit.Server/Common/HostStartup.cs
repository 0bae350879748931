namespace AuditKit.Server.Common;

/// <summary>For background services that read the store: its schema is migrated during start-up.</summary>
internal static class HostStartup
{
    /// <summary>
    /// Completes once the host has started (the schema migration has run): true, or false when
    /// <paramref name="stoppingToken"/> fires first.
    /// </summary>
    public static async Task<bool> WaitForStartedAsync(this IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task.ConfigureAwait(false);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Once the host has started, runs <paramref name="work"/> and again <paramref name="interval"/> after each run
    /// until <paramref name="stoppingToken"/> fires; a run that fails is handed to <paramref name="failed"/> and the
    /// next one comes as usual.
    /// </summary>
    public static async Task RunPeriodicallyAsync(
        this IHostApplicationLifetime lifetime,
        Func<CancellationToken, Task> work,
        Action<Exception> failed,
        TimeSpan interval,
        TimeProvider timeProvider,
        CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(failed);
        if (!await lifetime.WaitForStartedAsync(stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await work(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failed(ex);
            }

            try
            {
                await Task.Delay(interval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
