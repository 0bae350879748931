using AuditKit.Masking;
using Microsoft.AspNetCore.Http;

namespace AuditKit.Middleware;

/// <summary>
/// The <see cref="IAuditLogger"/>: fills the current request's context (or the ambient <see cref="AuditContext"/>
/// outside a request) into explicit events, masks their values by name and hands them to the sink.
/// </summary>
internal sealed class AuditLogger(
    IHttpContextAccessor httpContextAccessor,
    IAuditContextAccessor contextAccessor,
    AuditingPolicyProvider policies,
    RequestPartyReader partyReader,
    AuditJsonMasker jsonMasker,
    AuditServiceIdentity service,
    AuditEventWriter writer,
    TimeProvider timeProvider) : IAuditLogger
{
    public bool Log(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);

        if (auditEvent.Timestamp == default)
        {
            auditEvent.Timestamp = timeProvider.GetUtcNow();
        }

        if (auditEvent.Id == Guid.Empty)
        {
            auditEvent.Id = AuditEventIds.New(auditEvent.Timestamp);
        }

        auditEvent.Action = AuditedAttribute.NormalizeAction(auditEvent.Action);
        auditEvent.ServiceName ??= service.Name;
        auditEvent.ServiceVersion ??= service.Version;

        var httpContext = httpContextAccessor.HttpContext;
        if (httpContext is not null)
        {
            var feature = httpContext.Features.Get<AuditingFeature>();
            FillRequestContext(auditEvent, httpContext, feature?.Policy ?? policies.Current, feature);
        }
        else
        {
            contextAccessor.Current?.ApplyTo(auditEvent);
            auditEvent.TraceId ??= AuditTraceIds.Current();
        }

        jsonMasker.MaskInPlace(auditEvent.OldValues);
        jsonMasker.MaskInPlace(auditEvent.NewValues);
        jsonMasker.MaskInPlace(auditEvent.Metadata);
        if (auditEvent.Changes is { } changes)
        {
            var masker = jsonMasker.Masker;
            foreach (var change in changes)
            {
                if (masker.IsSensitiveName(change.Property))
                {
                    change.Old = jsonMasker.MaskValue(change.Old, masker.Options.DefaultStyle);
                    change.New = jsonMasker.MaskValue(change.New, masker.Options.DefaultStyle);
                }
                else
                {
                    jsonMasker.MaskInPlace(change.Old);
                    jsonMasker.MaskInPlace(change.New);
                }
            }
        }

        return writer.Write(auditEvent, httpContext);
    }

    public bool LoginSucceeded(string userId, string? username = null, string? email = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        if (CurrentAuditedRequest() is { } feature)
        {
            feature.SignInSucceeded(userId, username, email);
            return true;
        }

        var auditEvent = Manual(AuditActions.Login, success: true, AuditingFeature.SignInResourceType, userId);
        auditEvent.UserId = userId;
        auditEvent.Username = username;
        auditEvent.UserEmail = email;
        return Log(auditEvent);
    }

    public bool LoginFailed(string username, string reason)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (CurrentAuditedRequest() is { } feature)
        {
            feature.SignInFailed(username, reason);
            return true;
        }

        var auditEvent = Manual(AuditActions.LoginFailed, success: false, AuditingFeature.SignInResourceType, resourceId: null);
        auditEvent.Username = username;
        auditEvent.ErrorMessage = reason;
        return Log(auditEvent);
    }

    /// <summary>
    /// An event the application logs itself (source <c>manual</c>): its status from <paramref name="success"/> and the
    /// default severity of <paramref name="action"/> with that outcome.
    /// </summary>
    internal static AuditEvent Manual(string action, bool success, string? resourceType, string? resourceId) => new()
    {
        Source = AuditSources.Manual,
        Action = action,
        ResourceType = resourceType,
        ResourceId = resourceId,
        Status = success ? AuditStatus.Success : AuditStatus.Failure,
        Severity = ActionSeverities.For(action, success),
    };

    /// <summary>Fills the request's context into an explicit event, leaving what the caller set.</summary>
    private void FillRequestContext(AuditEvent auditEvent, HttpContext context, AuditingPolicy policy, AuditingFeature? feature)
    {
        partyReader.Read(context, policy).ApplyTo(auditEvent);
        auditEvent.RequestId ??= AuditEventText.Bound(context.TraceIdentifier, AuditEventLimits.RequestId);
        auditEvent.TraceId ??= feature?.TraceId ?? AuditTraceIds.Current();
        auditEvent.Method ??= context.Request.Method;
        auditEvent.Path ??= AuditEventText.Bound(context.Request.Path.Value, AuditEventLimits.Path);
        auditEvent.Route ??= feature is null ? null : policy.ForEndpoint(context.GetEndpoint()).Route;
    }

    private AuditingFeature? CurrentAuditedRequest() =>
        httpContextAccessor.HttpContext?.Features.Get<AuditingFeature>() is { Completed: false } feature ? feature : null;
}
