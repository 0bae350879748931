using Microsoft.AspNetCore.Http;

namespace AuditKit.Middleware;

/// <summary>
/// The <see cref="IAuditContextAccessor"/> of an ASP.NET Core application: an explicit scope wins (background work
/// begun inside a request), otherwise the current request's context is built from its <see cref="HttpContext"/> on
/// first use and kept for the rest of the request. Built lazily, so the user is the one authentication found even
/// when <c>UseAuditing()</c> runs before <c>UseAuthentication()</c>, and requests that never ask pay nothing.
/// </summary>
internal sealed class HttpAuditContextAccessor(
    IHttpContextAccessor httpContextAccessor,
    AuditingPolicyProvider policies,
    RequestPartyReader partyReader) : IAuditContextAccessor
{
    private readonly AuditContextAccessor _scopes = new();

    public AuditContext? Current
    {
        get
        {
            if (_scopes.Current is { } scoped)
            {
                return scoped;
            }

            if (httpContextAccessor.HttpContext is not { } httpContext)
            {
                return null;
            }

            var feature = httpContext.Features.Get<AuditingFeature>();
            if (feature?.Context is { } cached)
            {
                return cached;
            }

            var context = partyReader.Read(httpContext, feature?.Policy ?? policies.Current).ToContext(
                AuditEventText.Bound(httpContext.TraceIdentifier, AuditEventLimits.RequestId),
                feature?.TraceId ?? AuditTraceIds.Current());
            if (feature is not null)
            {
                feature.Context = context;
            }

            return context;
        }
    }

    public IDisposable BeginScope(AuditContext context) => _scopes.BeginScope(context);
}
