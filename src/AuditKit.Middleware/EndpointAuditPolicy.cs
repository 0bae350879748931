using AuditKit.Masking;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AuditKit.Middleware;

/// <summary>
/// What an endpoint's metadata says about auditing it, merged once per endpoint: <see cref="AuditedAttribute"/> and
/// <see cref="NoAuditAttribute"/> entries are applied in metadata order (class before method, group before endpoint),
/// later ones overriding earlier ones.
/// </summary>
internal sealed class EndpointAuditPolicy
{
    private EndpointAuditPolicy()
    {
    }

    /// <summary>The policy of a request that matched no endpoint.</summary>
    public static EndpointAuditPolicy Unmatched { get; } = new();

    public bool Disabled { get; private init; }

    /// <summary>Whether the endpoint asked to be audited (so it is recorded in every mode).</summary>
    public bool Explicit { get; private init; }

    public string? Action { get; private init; }

    public string? ResourceType { get; private init; }

    public string? Category { get; private init; }

    public AuditSeverity? Severity { get; private init; }

    /// <summary>The route template, e.g. <c>/api/customers/{id}</c>.</summary>
    public string? Route { get; private init; }

    /// <summary>The route value recorded as the resource id, when the route has it.</summary>
    public string? ResourceIdRouteValue { get; private init; }

    /// <summary>Route parameters whose names are sensitive (<c>{token}</c>): their values are masked in the recorded path.</summary>
    public string[] SensitiveRouteValues { get; private init; } = [];

    public static EndpointAuditPolicy Create(Endpoint endpoint, string? defaultResourceIdRouteValue, AuditMasker masker)
    {
        var disabled = false;
        var isExplicit = false;
        string? action = null, resourceType = null, category = null, resourceIdRouteValue = null;
        AuditSeverity? severity = null;

        foreach (var item in endpoint.Metadata)
        {
            switch (item)
            {
                case NoAuditAttribute:
                    disabled = true;
                    break;
                case AuditedAttribute audited:
                    disabled = false;
                    isExplicit = true;
                    action = audited.Action ?? action;
                    resourceType = audited.Resource ?? resourceType;
                    category = audited.Category ?? category;
                    resourceIdRouteValue = audited.ResourceIdRouteValue ?? resourceIdRouteValue;
                    severity = audited.IsSeveritySet ? audited.Severity : severity;
                    break;
            }
        }

        string? route = null;
        string[] sensitive = [];
        string? idRouteValue = null;
        if (endpoint is RouteEndpoint { RoutePattern: { } pattern })
        {
            var raw = pattern.RawText ?? string.Empty;
            route = raw.StartsWith('/') ? raw : "/" + raw;

            // A group's root endpoint ("/api/customers" + "") reads "/api/customers/"; it is the same resource.
            if (route.Length > 1 && route.EndsWith('/'))
            {
                route = route.TrimEnd('/');
            }

            if (route.Length > AuditEventLimits.Route)
            {
                route = route[..AuditEventLimits.Route];
            }

            sensitive = [.. pattern.Parameters.Select(p => p.Name).Where(masker.IsSensitiveName)];
            var wanted = resourceIdRouteValue ?? defaultResourceIdRouteValue;
            idRouteValue = wanted is not null && pattern.GetParameter(wanted) is not null && !masker.IsSensitiveName(wanted)
                ? wanted
                : null;
        }

        return new EndpointAuditPolicy
        {
            Disabled = disabled,
            Explicit = isExplicit,
            Action = action,
            ResourceType = resourceType,
            Category = category,
            Severity = severity,
            Route = route,
            ResourceIdRouteValue = idRouteValue,
            SensitiveRouteValues = sensitive,
        };
    }
}
