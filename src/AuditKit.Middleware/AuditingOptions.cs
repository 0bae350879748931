using System.Security.Claims;
using Microsoft.Net.Http.Headers;

namespace AuditKit.Middleware;

/// <summary>
/// What the request auditing middleware records and how. Bound from configuration section <c>AuditKit</c> (next to
/// the delivery settings <c>ServerUrl</c>, <c>ApiKey</c>, <c>ServiceName</c>, ...) and validated at start-up.
/// </summary>
public sealed class AuditingOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditKit";

    /// <summary>Which requests are recorded. Defaults to <see cref="AuditingMode.AllRequests"/>.</summary>
    public AuditingMode Mode { get; set; } = AuditingMode.AllRequests;

    /// <summary>The optional parts of a request that are recorded. Defaults to <see cref="AuditingFields.Default"/>.</summary>
    public AuditingFields Fields { get; set; } = AuditingFields.Default;

    /// <summary>
    /// The share (0 to 1) of successful reads that are recorded; 1, the default, records them all. Failures, sign-in
    /// outcomes, writes and any action other than <c>READ</c> are never sampled away.
    /// </summary>
    public double SuccessfulReadSampleRate { get; set; } = 1.0;

    /// <summary>
    /// Path prefixes that are never audited (matched segment by segment, case-insensitively). Defaults to health
    /// and metrics endpoints.
    /// </summary>
    public ISet<string> ExcludedPaths { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "/health", "/healthz", "/alive", "/ready", "/metrics", "/favicon.ico",
    };

    /// <summary>File extensions of static files that are never audited (e.g. <c>.css</c>). Compared case-insensitively.</summary>
    public ISet<string> ExcludedExtensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".css", ".js", ".mjs", ".map", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".avif",
        ".woff", ".woff2", ".ttf", ".eot", ".txt", ".webmanifest",
    };

    /// <summary>
    /// The action recorded for each HTTP method unless an endpoint names its own. Defaults: GET/HEAD/OPTIONS →
    /// <c>READ</c> (so CORS preflights are sampled like reads), POST → <c>CREATE</c>, PUT/PATCH → <c>UPDATE</c>,
    /// DELETE → <c>DELETE</c>. Other methods are recorded as their upper-case name.
    /// </summary>
    public IDictionary<string, string> MethodActions { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["GET"] = AuditActions.Read,
        ["HEAD"] = AuditActions.Read,
        ["OPTIONS"] = AuditActions.Read,
        ["POST"] = AuditActions.Create,
        ["PUT"] = AuditActions.Update,
        ["PATCH"] = AuditActions.Update,
        ["DELETE"] = AuditActions.Delete,
    };

    /// <summary>The severity rules; the highest matching severity wins. Defaults to <see cref="AuditSeverityRule.Defaults"/>.</summary>
    public IList<AuditSeverityRule> SeverityRules { get; } = [.. AuditSeverityRule.Defaults.Select(rule => rule.Clone())];

    /// <summary>The severity of an event no rule matches. Defaults to <see cref="AuditSeverity.Low"/>.</summary>
    public AuditSeverity DefaultSeverity { get; set; } = AuditSeverity.Low;

    /// <summary>Claims holding the user's id, tried in order. Defaults to <c>sub</c>, the name identifier claim, then <c>oid</c>.</summary>
    public IList<string> UserIdClaimTypes { get; } = ["sub", ClaimTypes.NameIdentifier, "oid"];

    /// <summary>Claims holding the user's name, tried in order; falls back to <c>Identity.Name</c>.</summary>
    public IList<string> UsernameClaimTypes { get; } = ["preferred_username", "name", ClaimTypes.Name, "unique_name"];

    /// <summary>Claims holding the user's e-mail address, tried in order.</summary>
    public IList<string> UserEmailClaimTypes { get; } = ["email", ClaimTypes.Email];

    /// <summary>
    /// Claims holding the user's sign-in session id, tried in order; recorded as <c>session_id</c>. Defaults to
    /// OpenID Connect's <c>sid</c>. Cookies are never read for it: a session cookie is a credential.
    /// </summary>
    public IList<string> SessionIdClaimTypes { get; } = ["sid"];

    /// <summary>The route value whose value is recorded as the resource id when an endpoint names none. Defaults to <c>id</c>.</summary>
    public string? ResourceIdRouteValue { get; set; } = "id";

    /// <summary>How the built-in tenant resolver finds a request's tenant.</summary>
    public AuditTenantOptions Tenant { get; } = new();

    /// <summary>The longest user agent recorded; longer ones are cut. Defaults to 256 (at most 512).</summary>
    public int UserAgentMaxLength { get; set; } = 256;

    /// <summary>
    /// Request headers recorded with their value when <see cref="AuditingFields.RequestHeaders"/> is on; every other
    /// header is recorded with a redacted value. <c>Authorization</c>, <c>Proxy-Authorization</c> and <c>Cookie</c>
    /// are never recorded, not even their names, and names matching the masking patterns are always masked.
    /// </summary>
    public ISet<string> RequestHeaders { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Accept, HeaderNames.AcceptEncoding, HeaderNames.AcceptLanguage, HeaderNames.CacheControl,
        HeaderNames.ContentLength, HeaderNames.ContentType, HeaderNames.Host, HeaderNames.Origin, HeaderNames.Referer,
        HeaderNames.UserAgent, HeaderNames.XRequestedWith, "X-Request-Id", "X-Correlation-Id",
    };

    /// <summary>
    /// Response headers recorded with their value when <see cref="AuditingFields.ResponseHeaders"/> is on; every other
    /// header is recorded with a redacted value. <c>Set-Cookie</c> is never recorded.
    /// </summary>
    public ISet<string> ResponseHeaders { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.ContentLength, HeaderNames.ContentType, HeaderNames.Location, HeaderNames.CacheControl,
        HeaderNames.ETag, HeaderNames.LastModified,
    };

    /// <summary>The largest request body recorded, in bytes; a larger body is noted by size only. Defaults to 4 KB (at most 64 KB).</summary>
    public int RequestBodyLimit { get; set; } = 4 * 1024;

    /// <summary>The largest response body recorded, in bytes; a larger body is noted by size only. Defaults to 4 KB (at most 64 KB).</summary>
    public int ResponseBodyLimit { get; set; } = 4 * 1024;
}
