using Microsoft.AspNetCore.HttpOverrides;

namespace AuditKit.Middleware.Tests;

/// <summary>Over a real Kestrel on 127.0.0.1: the client IP is the connection's unless a configured proxy forwarded it.</summary>
public sealed class ForwardedHeadersTests
{
    private static Task<AuditedApp> StartAsync(Action<ForwardedHeadersOptions>? forwarded) =>
        AuditedApp.StartAsync(
            app => app.MapGet("/api/whoami", () => "ok"),
            beforeAuditing: forwarded is null ? null : app =>
            {
                var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor };
                forwarded(options);
                app.UseForwardedHeaders(options);
            },
            kestrel: true);

    private static Task<HttpResponseMessage> GetForwardedAsync(AuditedApp app) =>
        app.GetAsync("/api/whoami", r => r.Headers.Add("X-Forwarded-For", "203.0.113.7"));

    [Fact]
    public async Task The_connection_address_is_recorded()
    {
        await using var app = await StartAsync(forwarded: null);

        await app.GetAsync("/api/whoami");

        app.SingleEvent().IpAddress.ShouldBe("127.0.0.1");
    }

    [Theory]
    [InlineData("::ffff:203.0.113.9", "203.0.113.9")]
    [InlineData("2001:db8::7", "2001:db8::7")]
    [InlineData("198.51.100.4", "198.51.100.4")]
    public void IPv4_mapped_addresses_are_recorded_as_IPv4(string connection, string recorded)
    {
        RequestPartyReader.ClientIpOf(IPAddress.Parse(connection)).ShouldBe(recorded);
    }

    [Fact]
    public async Task X_Forwarded_For_is_ignored_without_the_forwarded_headers_middleware()
    {
        await using var app = await StartAsync(forwarded: null);

        await GetForwardedAsync(app);

        app.SingleEvent().IpAddress.ShouldBe("127.0.0.1");
    }

    [Fact]
    public async Task X_Forwarded_For_is_trusted_from_a_known_proxy()
    {
        await using var app = await StartAsync(o =>
        {
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            o.KnownProxies.Add(IPAddress.Loopback);
        });

        await GetForwardedAsync(app);

        app.SingleEvent().IpAddress.ShouldBe("203.0.113.7");
    }

    [Fact]
    public async Task X_Forwarded_For_is_ignored_from_an_unknown_proxy()
    {
        await using var app = await StartAsync(o =>
        {
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            o.KnownProxies.Add(IPAddress.Parse("10.9.8.7"));
        });

        await GetForwardedAsync(app);

        app.SingleEvent().IpAddress.ShouldBe("127.0.0.1");
    }
}
