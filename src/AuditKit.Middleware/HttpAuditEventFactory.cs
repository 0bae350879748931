using Microsoft.AspNetCore.Http;
using static AuditKit.Middleware.AuditEventText;

namespace AuditKit.Middleware;

/// <summary>
/// Turns a finished request into its <see cref="AuditEvent"/>: action, outcome, resource, masked path and query, the
/// party <see cref="RequestPartyReader"/> reads and the sign-in outcome. Every value that leaves here is masked and
/// bounded to the contract's limits.
/// </summary>
internal sealed class HttpAuditEventFactory(
    AuditServiceIdentity service,
    QueryStringMasker queryMasker,
    RequestPartyReader partyReader)
{
    public AuditEvent CreateRequestEvent(
        HttpContext context,
        AuditingFeature feature,
        EndpointAuditPolicy endpoint,
        int statusCode,
        double durationMs,
        Exception? exception)
    {
        var policy = feature.Policy;
        var request = context.Request;
        var method = request.Method;
        var failed = exception is not null || statusCode >= 400;

        var action = feature.SignInAction ?? endpoint.Action ?? policy.ActionFor(method);
        if (failed && action == AuditActions.Login)
        {
            action = AuditActions.LoginFailed;
        }

        var auditEvent = new AuditEvent
        {
            Id = AuditEventIds.New(feature.Timestamp),
            Timestamp = feature.Timestamp,
            Source = AuditSources.Http,
            Action = action,
            Category = endpoint.Category,
            ResourceType = endpoint.ResourceType,
            ResourceId = ResourceIdOf(context, endpoint),
            Status = failed ? AuditStatus.Failure : AuditStatus.Success,
            ServiceName = service.Name,
            ServiceVersion = service.Version,
            Method = method,
            Path = PathOf(context, endpoint),
            Route = endpoint.Route,
            StatusCode = statusCode,
            DurationMs = durationMs,
            RequestId = Bound(context.TraceIdentifier, AuditEventLimits.RequestId),
            TraceId = feature.TraceId,
        };

        if (policy.Captures(AuditingFields.Query))
        {
            auditEvent.Query = queryMasker.Mask(request.QueryString.Value);
        }

        partyReader.Read(context, policy).ApplyTo(auditEvent);

        if (feature.SignInAction is not null)
        {
            auditEvent.UserId = Bound(feature.SignInUserId, AuditEventLimits.UserId) ?? auditEvent.UserId;
            auditEvent.Username = Bound(feature.SignInUsername, AuditEventLimits.Username) ?? auditEvent.Username;
            auditEvent.UserEmail = Bound(feature.SignInEmail, AuditEventLimits.UserEmail) ?? auditEvent.UserEmail;
            auditEvent.ResourceType ??= AuditingFeature.SignInResourceType;
            auditEvent.ResourceId ??= auditEvent.UserId;
        }

        if (exception is not null)
        {
            auditEvent.ErrorCode = Bound(exception.GetType().FullName, AuditEventLimits.ErrorCode);
            auditEvent.ErrorMessage = Bound(exception.Message, AuditEventLimits.ErrorMessage);
        }
        else if (failed && feature.SignInFailureReason is { } reason)
        {
            auditEvent.ErrorMessage = Bound(reason, AuditEventLimits.ErrorMessage);
        }

        auditEvent.Severity = policy.SeverityFor(action, method, statusCode, endpoint.Severity);
        return auditEvent;
    }

    private static string? ResourceIdOf(HttpContext context, EndpointAuditPolicy endpoint) =>
        endpoint.ResourceIdRouteValue is { } name && context.Request.RouteValues.TryGetValue(name, out var value) && value is not null
            ? Bound(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), AuditEventLimits.ResourceId)
            : null;

    private string? PathOf(HttpContext context, EndpointAuditPolicy endpoint)
    {
        var request = context.Request;
        var path = request.PathBase.HasValue ? request.PathBase.Add(request.Path).Value : request.Path.Value;
        if (string.IsNullOrEmpty(path))
        {
            return "/";
        }

        if (endpoint.SensitiveRouteValues.Length > 0)
        {
            path = MaskRouteValues(path, context, endpoint.SensitiveRouteValues);
        }

        return Bound(path, AuditEventLimits.Path);
    }

    private string MaskRouteValues(string path, HttpContext context, string[] names)
    {
        var segments = path.Split('/');
        foreach (var name in names)
        {
            if (context.Request.RouteValues.TryGetValue(name, out var value) && Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) is { Length: > 0 } text)
            {
                for (var i = 0; i < segments.Length; i++)
                {
                    if (segments[i] == text || segments[i] == Uri.EscapeDataString(text))
                    {
                        segments[i] = queryMasker.MaskValue(text);
                    }
                }
            }
        }

        return string.Join('/', segments);
    }
}
