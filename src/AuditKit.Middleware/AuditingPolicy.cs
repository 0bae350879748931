using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using AuditKit.Masking;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace AuditKit.Middleware;

/// <summary>
/// <see cref="AuditingOptions"/> compiled once (and again when they change) into the lookups the request path uses,
/// so a request pays for array scans and frozen-set probes, not for list copies or string building.
/// </summary>
internal sealed class AuditingPolicy
{
    // Credentials are never recorded, not even as a redacted name: their presence alone says too much.
    private static readonly FrozenSet<string> s_neverRecordedHeaders = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        HeaderNames.Authorization, HeaderNames.ProxyAuthorization, HeaderNames.Cookie, HeaderNames.SetCookie,
        "Cookie2", "Set-Cookie2");

    private readonly string[] _excludedPaths;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _excludedExtensions;
    private readonly FrozenDictionary<string, string> _methodActions;
    private readonly CompiledSeverityRule[] _severityRules;
    private readonly ConditionalWeakTable<Endpoint, EndpointAuditPolicy> _endpoints = new();
    private readonly ConditionalWeakTable<Endpoint, EndpointAuditPolicy>.CreateValueCallback _createEndpointPolicy;

    public AuditingPolicy(AuditingOptions options, AuditMasker masker, IAuditTenantResolver? customTenantResolver)
    {
        Masker = masker;
        Fields = options.Fields;
        Mode = options.Mode;
        SuccessfulReadSampleRate = options.SuccessfulReadSampleRate;
        UserAgentMaxLength = options.UserAgentMaxLength;
        RequestBodyLimit = options.RequestBodyLimit;
        ResponseBodyLimit = options.ResponseBodyLimit;
        ResourceIdRouteValue = string.IsNullOrEmpty(options.ResourceIdRouteValue) ? null : options.ResourceIdRouteValue;
        UserIdClaimTypes = [.. options.UserIdClaimTypes];
        UsernameClaimTypes = [.. options.UsernameClaimTypes];
        UserEmailClaimTypes = [.. options.UserEmailClaimTypes];
        SessionIdClaimTypes = [.. options.SessionIdClaimTypes];
        DefaultSeverity = options.DefaultSeverity;

        _excludedPaths = [.. options.ExcludedPaths.Select(path => path.TrimEnd('/')).Where(path => path.Length > 0)];
        _excludedExtensions = options.ExcludedExtensions
            .Select(extension => extension.StartsWith('.') ? extension : "." + extension)
            .ToFrozenSet(StringComparer.OrdinalIgnoreCase)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        _methodActions = options.MethodActions.ToFrozenDictionary(
            pair => pair.Key, pair => AuditActions.Normalize(pair.Value), StringComparer.OrdinalIgnoreCase);
        _severityRules = [.. options.SeverityRules.Select(rule => new CompiledSeverityRule(rule))];

        // Allowlisted names that are credentials or match a masking pattern are masked anyway: the allowlist cannot
        // be used to leak a secret.
        RequestHeaders = Allowlist(options.RequestHeaders, masker);
        ResponseHeaders = Allowlist(options.ResponseHeaders, masker);
        TenantResolver = customTenantResolver ?? CreateTenantResolver(options.Tenant);
        _createEndpointPolicy = endpoint => EndpointAuditPolicy.Create(endpoint, ResourceIdRouteValue, Masker);
    }

    public AuditMasker Masker { get; }

    public AuditingFields Fields { get; }

    public AuditingMode Mode { get; }

    public double SuccessfulReadSampleRate { get; }

    public int UserAgentMaxLength { get; }

    public int RequestBodyLimit { get; }

    public int ResponseBodyLimit { get; }

    public string? ResourceIdRouteValue { get; }

    public string[] UserIdClaimTypes { get; }

    public string[] UsernameClaimTypes { get; }

    public string[] UserEmailClaimTypes { get; }

    public string[] SessionIdClaimTypes { get; }

    public AuditSeverity DefaultSeverity { get; }

    public FrozenSet<string> RequestHeaders { get; }

    public FrozenSet<string> ResponseHeaders { get; }

    public IAuditTenantResolver? TenantResolver { get; }

    public bool Captures(AuditingFields field) => (Fields & field) != 0;

    /// <summary>The merged auditing metadata of <paramref name="endpoint"/>, computed on first use.</summary>
    public EndpointAuditPolicy ForEndpoint(Endpoint? endpoint) =>
        endpoint is null ? EndpointAuditPolicy.Unmatched : _endpoints.GetValue(endpoint, _createEndpointPolicy);

    /// <summary>Whether <paramref name="path"/> is excluded by prefix or is a static file.</summary>
    public bool IsExcluded(PathString path)
    {
        var value = path.Value;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        foreach (var excluded in _excludedPaths)
        {
            if (path.StartsWithSegments(excluded, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        var lastSlash = value.LastIndexOf('/');
        var dot = value.LastIndexOf('.');
        return dot > lastSlash && _excludedExtensions.Contains(value.AsSpan(dot));
    }

    /// <summary>The action a request with <paramref name="method"/> records when its endpoint names none.</summary>
    public string ActionFor(string method) =>
        _methodActions.TryGetValue(method, out var action) ? action : AuditActions.Normalize(method);

    /// <summary>The severity of an event: the highest matching rule, or the endpoint's own, raised only by status-code and action rules.</summary>
    public AuditSeverity SeverityFor(string action, string? method, int? statusCode, AuditSeverity? endpointSeverity)
    {
        var severity = endpointSeverity ?? DefaultSeverity;
        foreach (var rule in _severityRules)
        {
            if (rule.Severity > severity && (endpointSeverity is null || rule.IsOutcomeRule) && rule.Matches(action, method, statusCode))
            {
                severity = rule.Severity;
            }
        }

        return severity;
    }

    public static bool IsNeverRecordedHeader(string name) => s_neverRecordedHeaders.Contains(name);

    private static FrozenSet<string> Allowlist(IEnumerable<string> names, AuditMasker masker) =>
        names.Where(name => !IsNeverRecordedHeader(name) && !masker.IsSensitiveName(name))
            .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static IAuditTenantResolver? CreateTenantResolver(AuditTenantOptions tenant) => tenant.Source switch
    {
        AuditTenantSource.Claim => new ClaimTenantResolver(tenant.ClaimType),
        AuditTenantSource.Header => new HeaderTenantResolver(tenant.HeaderName),
        AuditTenantSource.Host => new HostTenantResolver(),
        AuditTenantSource.Fixed => new FixedTenantResolver(tenant.TenantId!),
        _ => null,
    };

    private sealed class CompiledSeverityRule(AuditSeverityRule rule)
    {
        private readonly string? _action = rule.Action is { Length: > 0 } action ? AuditActions.Normalize(action) : null;
        private readonly string[] _methods = [.. rule.Methods];
        private readonly int _minStatusCode = rule.MinStatusCode ?? int.MinValue;
        private readonly int _maxStatusCode = rule.MaxStatusCode ?? int.MaxValue;
        private readonly bool _needsStatusCode = rule.MinStatusCode is not null || rule.MaxStatusCode is not null;

        public AuditSeverity Severity { get; } = rule.Severity;

        public bool IsOutcomeRule { get; } = rule.IsOutcomeRule;

        public bool Matches(string action, string? method, int? statusCode)
        {
            if (_action is not null && !string.Equals(_action, action, StringComparison.Ordinal))
            {
                return false;
            }

            if (_needsStatusCode && (statusCode is not { } code || code < _minStatusCode || code > _maxStatusCode))
            {
                return false;
            }

            if (_methods.Length == 0)
            {
                return true;
            }

            if (method is null)
            {
                return false;
            }

            foreach (var candidate in _methods)
            {
                if (string.Equals(candidate, method, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
