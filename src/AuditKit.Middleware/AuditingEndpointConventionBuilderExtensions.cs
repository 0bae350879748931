using AuditKit;
using AuditKit.Middleware;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Auditing extension methods for <see cref="IEndpointConventionBuilder"/>: per-endpoint and per-group settings.</summary>
public static class AuditingEndpointConventionBuilderExtensions
{
    private static readonly NoAuditAttribute s_noAudit = new();

    /// <summary>
    /// Marks the endpoint (or every endpoint of a group) as audited, optionally naming its action, resource and
    /// severity. Same as <see cref="AuditedAttribute"/>.
    /// </summary>
    /// <typeparam name="TBuilder">The type of endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoint convention builder.</param>
    /// <param name="action">The action to record instead of the method-based one, e.g. <see cref="AuditActions.RoleAssign"/>.</param>
    /// <param name="resource">The kind of resource acted on (<c>resource_type</c>).</param>
    /// <param name="severity">The severity instead of the method-based rules; outcome rules can still raise it.</param>
    /// <param name="category">A free label grouping events.</param>
    /// <param name="resourceIdRouteValue">The route value recorded as <c>resource_id</c>, instead of <see cref="AuditingOptions.ResourceIdRouteValue"/>.</param>
    /// <returns>The original convention builder parameter.</returns>
    /// <exception cref="ArgumentException"><paramref name="action"/> is not a valid action.</exception>
    public static TBuilder WithAuditing<TBuilder>(
        this TBuilder builder,
        string? action = null,
        string? resource = null,
        AuditSeverity? severity = null,
        string? category = null,
        string? resourceIdRouteValue = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Built outside the convention so a bad action fails here, at start-up, not on the first request.
        var metadata = new AuditedAttribute { Action = action, Resource = resource, Category = category, ResourceIdRouteValue = resourceIdRouteValue };
        if (severity is { } value)
        {
            metadata.Severity = value;
        }

        builder.Add(endpointBuilder => endpointBuilder.Metadata.Add(metadata));
        return builder;
    }

    /// <summary>Turns request auditing off for the endpoint (or every endpoint of a group). Same as <see cref="NoAuditAttribute"/>.</summary>
    /// <typeparam name="TBuilder">The type of endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoint convention builder.</param>
    /// <returns>The original convention builder parameter.</returns>
    public static TBuilder DisableAuditing<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(static endpointBuilder => endpointBuilder.Metadata.Add(s_noAudit));
        return builder;
    }
}
