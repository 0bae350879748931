namespace AuditKit.Core.Tests.Delivery;

/// <summary>Bounded polling for things that happen on background threads.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string because, int timeoutSeconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeoutSeconds} s waiting until {because}.");
            }

            await Task.Delay(20);
        }
    }
}
