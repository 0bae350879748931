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
}
