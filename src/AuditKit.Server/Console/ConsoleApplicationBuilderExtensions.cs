using System.Security.Cryptography;

namespace AuditKit.Server.Console;

/// <summary>The console's part of the request pipeline and its endpoints.</summary>
internal static class ConsoleApplicationBuilderExtensions
{
    private const string StylesheetResource = "AuditKit.Server.Console.console.css";

    private static readonly Lazy<(byte[] Content, string ETag, string Integrity)> s_stylesheet = new(static () =>
    {
        using var stream = typeof(ConsoleApplicationBuilderExtensions).Assembly.GetManifestResourceStream(StylesheetResource)
            ?? throw new InvalidOperationException($"The console stylesheet resource '{StylesheetResource}' is missing.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        var digest = SHA256.HashData(content);
        return (content, "\"" + Convert.ToHexStringLower(digest)[..16] + "\"", "sha256-" + Convert.ToBase64String(digest));
    });

    /// <summary>The stylesheet's path; its content hash in the query makes it safe to cache for good.</summary>
    public static string StylesheetPath => ConsoleAuthentication.BasePath + "/console.css?v=" + s_stylesheet.Value.ETag.Trim('"');

    /// <summary>The stylesheet's subresource integrity value.</summary>
    public static string StylesheetIntegrity => s_stylesheet.Value.Integrity;

    /// <summary>Adds the console's security headers to every response under <c>/console</c>.</summary>
    public static IApplicationBuilder UseAuditConsole(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(static (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(ConsoleAuthentication.BasePath, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.OnStarting(static state =>
                {
                    ConsoleSecurityHeaders.Apply(((HttpContext)state).Response);
                    return Task.CompletedTask;
                }, context);
            }

            return next(context);
        });
    }

    /// <summary>Maps the console's pages, its stylesheet and the console user admin API.</summary>
    public static IEndpointRouteBuilder MapAuditConsole(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapRazorPages();
        endpoints.MapGet(ConsoleAuthentication.BasePath + "/console.css", static (HttpContext context) =>
            {
                var (content, etag, _) = s_stylesheet.Value;
                context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
                context.Response.Headers.ETag = etag;
                return context.Request.Headers.IfNoneMatch == etag
                    ? Results.StatusCode(StatusCodes.Status304NotModified)
                    : Results.Bytes(content, "text/css; charset=utf-8");
            })
            .ExcludeFromDescription();
        endpoints.MapConsoleUserEndpoints();
        return endpoints;
    }
}
