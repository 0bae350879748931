using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuditKit.Server.Storage;

/// <summary>The host of a command that works on the configured database without the HTTP server (<c>import</c>, <c>verify</c>).</summary>
internal static class StorageCommandHost
{
    /// <summary>
    /// A builder over <paramref name="configuration"/> (the arguments the command did not take): the storage registered,
    /// warnings and worse logged, the system clock unless one is registered.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] configuration)
    {
        var builder = WebApplication.CreateBuilder(configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddAuditStorage(builder.Configuration);
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }
}
