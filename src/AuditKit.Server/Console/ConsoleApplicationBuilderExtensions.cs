using System.Security.Cryptography;

namespace AuditKit.Server.Console;

/// <summary>The console's part of the request pipeline and its endpoints.</summary>
internal static class ConsoleApplicationBuilderExtensions
{
    private const string StylesheetResource = "AuditKit.Server.Console.console.css";

    private const string TailScriptResource = "AuditKit.Server.Console.console-tail.js";

    private static readonly Lazy<(byte[] Content, string ETag, string Integrity)> s_stylesheet = new(static () => Load(StylesheetResource));

    private static readonly Lazy<(byte[] Content, string ETag, string Integrity)> s_tailScript = new(static () => Load(TailScriptResource));

    /// <summary>The stylesheet's path; its content hash in the query makes it safe to cache for good.</summary>
    public static string StylesheetPath => ConsoleAuthentication.BasePath + "/console.css?v=" + s_stylesheet.Value.ETag.Trim('"');

    /// <summary>The stylesheet's subresource integrity value.</summary>
    public static string StylesheetIntegrity => s_stylesheet.Value.Integrity;

    /// <summary>The live tail's script (vendored, same-origin); its content hash in the query makes it safe to cache for good.</summary>
    public static string TailScriptPath => ConsoleAuthentication.BasePath + "/console-tail.js?v=" + s_tailScript.Value.ETag.Trim('"');

    /// <summary>The live tail script's subresource integrity value.</summary>
    public static string TailScriptIntegrity => s_tailScript.Value.Integrity;

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
        endpoints.MapGet(ConsoleAuthentication.BasePath + "/console-tail.js", static (HttpContext context) => Serve(context, s_tailScript.Value, "text/javascript; charset=utf-8"))
            .ExcludeFromDescription();
        endpoints.MapConsoleUserEndpoints();
        return endpoints;
    }

    private static IResult Serve(HttpContext context, (byte[] Content, string ETag, string Integrity) asset, string contentType)
    {
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        context.Response.Headers.ETag = asset.ETag;
        return context.Request.Headers.IfNoneMatch == asset.ETag
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(asset.Content, contentType);
    }

    private static (byte[] Content, string ETag, string Integrity) Load(string resource)
    {
        using var stream = typeof(ConsoleApplicationBuilderExtensions).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The console resource '{resource}' is missing.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        var digest = SHA256.HashData(content);
        return (content, "\"" + Convert.ToHexStringLower(digest)[..16] + "\"", "sha256-" + Convert.ToBase64String(digest));
    }
}
