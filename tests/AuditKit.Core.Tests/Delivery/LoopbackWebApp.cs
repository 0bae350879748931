using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AuditKit.Core.Tests.Delivery;

/// <summary>A small web app of the tests on a real Kestrel listening on 127.0.0.1, without logging.</summary>
internal static class LoopbackWebApp
{
    /// <summary>A builder of an app that listens on <paramref name="port"/> of 127.0.0.1 (0: a free port).</summary>
    public static WebApplicationBuilder CreateBuilder(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        return builder;
    }

    /// <summary>Starts <paramref name="app"/> and returns the address it listens on.</summary>
    public static async Task<Uri> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }
}
