using AuditKit.Middleware;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the request auditing middleware to the pipeline.</summary>
public static class AuditingApplicationBuilderExtensions
{
    /// <summary>
    /// Records every request as an audit event (see <see cref="AuditingOptions"/>). Place it after
    /// <c>UseForwardedHeaders()</c> (so the client IP is the one a known proxy forwarded) and before
    /// <c>UseAuthorization()</c> (so 401 and 403 answers are recorded); call <c>UseAuthentication()</c> and
    /// <c>UseAuthorization()</c> explicitly, since the ones a <c>WebApplication</c> adds on its own run first.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The application builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException"><c>services.AddAuditing()</c> was not called.</exception>
    public static IApplicationBuilder UseAuditing(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<AuditingMarker>() is null)
        {
            throw new InvalidOperationException(
                "Request auditing is not registered: call builder.Services.AddAuditing() before app.UseAuditing().");
        }

        return app.UseMiddleware<AuditingMiddleware>();
    }
}
