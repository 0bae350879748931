namespace AuditKit.Core.Tests.Delivery;

/// <summary>Bounded polling for things that happen on background threads.</summary>
internal static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, string because, int timeoutSeconds = 15)
        => TrueAsync(condition, () => because, timeoutSeconds);

    /// <summary>As above; <paramref name="because"/> is evaluated on timeout, so it can report what happened meanwhile.</summary>
    public static async Task TrueAsync(Func<bool> condition, Func<string> because, int timeoutSeconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeoutSeconds} s waiting until {because()}.");
            }

            await Task.Delay(20);
        }
    }
}
