namespace AuditKit.Middleware;

/// <summary>
/// The optional parts of a request that the auditing middleware records. Method, path, route, status code, duration,
/// action, outcome, severity, request id and trace id are always recorded: an audit event is meaningless without them.
/// </summary>
[Flags]
public enum AuditingFields
{
    /// <summary>Only the fields that are always recorded.</summary>
    None = 0,

    /// <summary>The query string, with values of sensitive keys masked.</summary>
    Query = 1 << 0,

    /// <summary>The client's IP address (the connection's, as set by ASP.NET Core's forwarded-headers middleware when configured).</summary>
    ClientIp = 1 << 1,

    /// <summary>The <c>User-Agent</c> header, bounded by <see cref="AuditingOptions.UserAgentMaxLength"/>.</summary>
    UserAgent = 1 << 2,

    /// <summary>The user's id, name and e-mail address, read from the claims named in <see cref="AuditingOptions"/>.</summary>
    User = 1 << 3,

    /// <summary>
    /// Request headers, by allowlist (<see cref="AuditingOptions.RequestHeaders"/>): any other header is recorded with a
    /// redacted value, and credentials (<c>Authorization</c>, <c>Cookie</c>, ...) are never recorded at all.
    /// </summary>
    RequestHeaders = 1 << 4,

    /// <summary>Response headers, by allowlist (<see cref="AuditingOptions.ResponseHeaders"/>); <c>Set-Cookie</c> is never recorded.</summary>
    ResponseHeaders = 1 << 5,

    /// <summary>The request body (JSON or form), masked and bounded by <see cref="AuditingOptions.RequestBodyLimit"/>.</summary>
    RequestBody = 1 << 6,

    /// <summary>The response body (JSON), masked and bounded by <see cref="AuditingOptions.ResponseBodyLimit"/>.</summary>
    ResponseBody = 1 << 7,

    /// <summary>The default: query, client IP, user agent and user. Headers and bodies are off.</summary>
    Default = Query | ClientIp | UserAgent | User,

    /// <summary>Everything, including headers and bodies.</summary>
    All = Default | RequestHeaders | ResponseHeaders | RequestBody | ResponseBody,
}
