using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using AuditKit.Server.Auth;
using Microsoft.AspNetCore.Authentication;

namespace AuditKit.Server.Hosting.RateLimiting;

/// <summary>
/// Limits failed authentications per client address (a token bucket, <c>AuditKit:RateLimits:FailedAuthentication</c>),
/// so keys cannot be guessed at speed. Runs before authentication: a request that presents a key from an address
/// whose bucket is empty is answered 429 without looking the key up — a right key too, or guessing could go on
/// telling a hit from a miss. Each failed authentication takes a token.
/// </summary>
internal sealed partial class FailedAuthenticationLimiter(IOptions<AuditRateLimitOptions> options, ILogger<FailedAuthenticationLimiter> logger)
    : IMiddleware, IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(
        client => RateLimitPartition.Get(client, _ => options.Value.FailedAuthentication.CreateLimiter()));

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!options.Value.Enabled || ApiKeyAuthenticationHandler.ReadPresentedKey(context.Request) is null)
        {
            await next(context);
            return;
        }

        var client = ClientOf(context.Connection.RemoteIpAddress);
        using (var lease = _limiter.AttemptAcquire(client, 0))
        {
            if (!lease.IsAcquired)
            {
                await AuditRateLimiting.WriteTooManyRequestsAsync(
                    context, lease, "Too many failed authentications from this address (AuditKit:RateLimits:FailedAuthentication).");
                return;
            }
        }

        // The API's policy scheme picks the key or the person-token handler; that handler keeps its result for the
        // request, so authentication proper does not run it again.
        var result = await context.AuthenticateAsync(ApiAuthenticationSchemes.Api);
        if (result.Failure is not null)
        {
            using var lease = _limiter.AttemptAcquire(client, 1);
            if (lease.IsAcquired && _limiter.GetStatistics(client)?.CurrentAvailablePermits == 0)
            {
                LogLimited(logger, client);
            }
        }

        await next(context);
    }

    public void Dispose() => _limiter.Dispose();

    /// <summary>
    /// The partition of a client address: IPv4 as is, IPv6 by its /64 (one host usually holds a whole /64, so
    /// limiting single addresses would let it rotate through them).
    /// </summary>
    internal static string ClientOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning,
        Message = "Failed authentications from {Client} reached the limit (AuditKit:RateLimits:FailedAuthentication): its requests with a key are answered 429 until tokens return.")]
    private static partial void LogLimited(ILogger logger, string client);
}
