using Microsoft.Extensions.Options;

namespace AuditKit.Middleware;

/// <summary>Checks <see cref="AuditingOptions"/> at start-up, naming the setting at fault.</summary>
internal sealed class AuditingOptionsValidator : IValidateOptions<AuditingOptions>
{
    private const int MaxBodyLimit = 64 * 1024;

    public ValidateOptionsResult Validate(string? name, AuditingOptions options)
    {
        List<string>? failures = null;
        void Fail(string message) => (failures ??= []).Add(message);

        if (!Enum.IsDefined(options.Mode))
        {
            Fail($"AuditKit:Mode must be one of {string.Join(", ", Enum.GetNames<AuditingMode>())}.");
        }

        if (double.IsNaN(options.SuccessfulReadSampleRate) || options.SuccessfulReadSampleRate is < 0 or > 1)
        {
            Fail("AuditKit:SuccessfulReadSampleRate must be between 0 and 1.");
        }

        if (options.UserAgentMaxLength is < 1 or > AuditEventLimits.UserAgent)
        {
            Fail($"AuditKit:UserAgentMaxLength must be between 1 and {AuditEventLimits.UserAgent}.");
        }

        if (options.RequestBodyLimit is < 1 or > MaxBodyLimit)
        {
            Fail($"AuditKit:RequestBodyLimit must be between 1 and {MaxBodyLimit} bytes.");
        }

        if (options.ResponseBodyLimit is < 1 or > MaxBodyLimit)
        {
            Fail($"AuditKit:ResponseBodyLimit must be between 1 and {MaxBodyLimit} bytes.");
        }

        foreach (var path in options.ExcludedPaths)
        {
            if (string.IsNullOrEmpty(path) || path[0] != '/')
            {
                Fail($"AuditKit:ExcludedPaths entry '{path}' must start with '/'.");
            }
        }

        foreach (var header in options.RequestHeaders.Concat(options.ResponseHeaders))
        {
            if (AuditingPolicy.IsNeverRecordedHeader(header))
            {
                Fail($"AuditKit:RequestHeaders/ResponseHeaders must not allow '{header}': credentials are never recorded.");
            }
        }

        foreach (var (method, action) in options.MethodActions)
        {
            if (!IsAction(action))
            {
                Fail($"AuditKit:MethodActions:{method} must be an UPPER_SNAKE_CASE action (was '{action}').");
            }
        }

        for (var i = 0; i < options.SeverityRules.Count; i++)
        {
            var rule = options.SeverityRules[i];
            if (rule is null)
            {
                Fail($"AuditKit:SeverityRules:{i} is empty.");
                continue;
            }

            if (!Enum.IsDefined(rule.Severity))
            {
                Fail($"AuditKit:SeverityRules:{i}:Severity must be one of LOW, MEDIUM, HIGH, CRITICAL.");
            }

            if (rule.Action is { Length: > 0 } action && !IsAction(action))
            {
                Fail($"AuditKit:SeverityRules:{i}:Action must be an UPPER_SNAKE_CASE action (was '{action}').");
            }

            if (rule.MinStatusCode is < 100 or > 599 || rule.MaxStatusCode is < 100 or > 599)
            {
                Fail($"AuditKit:SeverityRules:{i} status codes must be between 100 and 599.");
            }
            else if (rule.MinStatusCode > rule.MaxStatusCode)
            {
                Fail($"AuditKit:SeverityRules:{i}:MinStatusCode must not exceed MaxStatusCode.");
            }
        }

        if (!Enum.IsDefined(options.DefaultSeverity))
        {
            Fail("AuditKit:DefaultSeverity must be one of LOW, MEDIUM, HIGH, CRITICAL.");
        }

        if (options.UserIdClaimTypes.Count == 0)
        {
            Fail("AuditKit:UserIdClaimTypes must name at least one claim type.");
        }

        var tenant = options.Tenant;
        switch (tenant.Source)
        {
            case AuditTenantSource.Claim when string.IsNullOrWhiteSpace(tenant.ClaimType):
                Fail("AuditKit:Tenant:ClaimType is required when AuditKit:Tenant:Source is Claim.");
                break;
            case AuditTenantSource.Header when string.IsNullOrWhiteSpace(tenant.HeaderName):
                Fail("AuditKit:Tenant:HeaderName is required when AuditKit:Tenant:Source is Header.");
                break;
            case AuditTenantSource.Fixed when string.IsNullOrWhiteSpace(tenant.TenantId) || tenant.TenantId.Length > AuditEventLimits.TenantId:
                Fail($"AuditKit:Tenant:TenantId is required (at most {AuditEventLimits.TenantId} characters) when AuditKit:Tenant:Source is Fixed.");
                break;
            case AuditTenantSource.None or AuditTenantSource.Claim or AuditTenantSource.Header or AuditTenantSource.Host or AuditTenantSource.Fixed:
                break;
            default:
                Fail($"AuditKit:Tenant:Source must be one of {string.Join(", ", Enum.GetNames<AuditTenantSource>())}.");
                break;
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsAction(string action)
    {
        if (string.IsNullOrWhiteSpace(action))
        {
            return false;
        }

        var normalized = AuditActions.Normalize(action);
        return normalized.Length <= AuditEventLimits.Action && AuditEventValidator.IsUpperSnake(normalized);
    }
}
