using System.Diagnostics;
using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditKit.Masking;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AuditKit.Middleware;

/// <summary>
/// Turns a finished request into its <see cref="AuditEvent"/>, and fills the request's context (who, tenant, from
/// where, which trace) into explicit events and the ambient <see cref="AuditContext"/>. Every value that leaves here
/// is masked and bounded to the contract's limits.
/// </summary>
internal sealed class HttpAuditEventFactory(
    AuditServiceIdentity service,
    QueryStringMasker queryMasker,
    AuditJsonMasker jsonMasker,
    ILogger<HttpAuditEventFactory> logger)
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

        var party = ReadParty(context, policy);
        auditEvent.UserId = party.UserId;
        auditEvent.Username = party.Username;
        auditEvent.UserEmail = party.UserEmail;
        auditEvent.SessionId = party.SessionId;
        auditEvent.TenantId = party.TenantId;
        auditEvent.IpAddress = party.IpAddress;
        auditEvent.UserAgent = party.UserAgent;

        if (feature.SignInAction is not null)
        {
            auditEvent.UserId = Bound(feature.SignInUserId, AuditEventLimits.UserId) ?? auditEvent.UserId;
            auditEvent.Username = Bound(feature.SignInUsername, AuditEventLimits.Username) ?? auditEvent.Username;
            auditEvent.UserEmail = Bound(feature.SignInEmail, AuditEventLimits.UserEmail) ?? auditEvent.UserEmail;
            auditEvent.ResourceType ??= "User";
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

    /// <summary>Adds the captured headers and bodies to the event's metadata.</summary>
    public void AddCaptures(
        AuditEvent auditEvent,
        HttpContext context,
        AuditingPolicy policy,
        BodyCaptureBuffer? requestBody,
        BodyMediaType requestBodyType,
        BodyCaptureBuffer? responseBody)
    {
        var redacted = policy.Masker.Options.RedactedText;
        if (policy.Captures(AuditingFields.RequestHeaders))
        {
            Metadata(auditEvent)["request_headers"] = HeaderCapture.Capture(context.Request.Headers, policy.RequestHeaders, redacted);
        }

        if (policy.Captures(AuditingFields.ResponseHeaders))
        {
            Metadata(auditEvent)["response_headers"] = HeaderCapture.Capture(context.Response.Headers, policy.ResponseHeaders, redacted);
        }

        if (requestBody is { Length: > 0 })
        {
            Metadata(auditEvent)["request_body"] = BodyNode(requestBody, requestBodyType);
        }

        if (responseBody is { Length: > 0 })
        {
            var type = BodyMediaTypes.Classify(context.Response.ContentType);
            Metadata(auditEvent)["response_body"] = type == BodyMediaType.Json
                ? BodyNode(responseBody, type)
                : new JsonObject { ["omitted"] = "media type", ["length"] = responseBody.Length };
        }
    }

    /// <summary>Fills the request's context into an explicit event, leaving what the caller set.</summary>
    public void FillRequestContext(AuditEvent auditEvent, HttpContext context, AuditingPolicy policy, AuditingFeature? feature)
    {
        var party = ReadParty(context, policy);
        auditEvent.UserId ??= party.UserId;
        auditEvent.Username ??= party.Username;
        auditEvent.UserEmail ??= party.UserEmail;
        auditEvent.SessionId ??= party.SessionId;
        auditEvent.TenantId ??= party.TenantId;
        auditEvent.IpAddress ??= party.IpAddress;
        auditEvent.UserAgent ??= party.UserAgent;
        auditEvent.RequestId ??= Bound(context.TraceIdentifier, AuditEventLimits.RequestId);
        auditEvent.TraceId ??= feature?.TraceId ?? CurrentTraceId();
        auditEvent.Method ??= context.Request.Method;
        auditEvent.Path ??= Bound(context.Request.Path.Value, AuditEventLimits.Path);
        auditEvent.Route ??= feature is null ? null : policy.ForEndpoint(context.GetEndpoint()).Route;
    }

    /// <summary>The ambient context of a request, for the events it causes elsewhere (EF Core, explicit events).</summary>
    public AuditContext CreateContext(HttpContext context, AuditingPolicy policy, AuditingFeature? feature)
    {
        var party = ReadParty(context, policy);
        return new AuditContext
        {
            UserId = party.UserId,
            Username = party.Username,
            UserEmail = party.UserEmail,
            SessionId = party.SessionId,
            TenantId = party.TenantId,
            IpAddress = party.IpAddress,
            UserAgent = party.UserAgent,
            RequestId = Bound(context.TraceIdentifier, AuditEventLimits.RequestId),
            TraceId = feature?.TraceId ?? CurrentTraceId(),
        };
    }

    /// <summary>The W3C trace id of the current activity, or <see langword="null"/>.</summary>
    public static string? CurrentTraceId() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.TraceId.ToHexString() : null;

    public static string? Bound(string? value, int max) =>
        value is null || value.Length <= max ? value : value[..max];

    private RequestParty ReadParty(HttpContext context, AuditingPolicy policy)
    {
        string? userId = null, username = null, email = null, session = null, tenant = null, ip = null, agent = null;
        if (policy.Captures(AuditingFields.User))
        {
            ReadUser(context.User, policy, out userId, out username, out email, out session);
        }

        if (policy.TenantResolver is { } resolver)
        {
            try
            {
                tenant = Bound(resolver.ResolveTenant(context), AuditEventLimits.TenantId);
            }
            catch (Exception exception)
            {
                AuditingLog.TenantResolverFailed(logger, exception, resolver.GetType().Name);
            }
        }

        if (policy.Captures(AuditingFields.ClientIp))
        {
            ip = ClientIpOf(context.Connection.RemoteIpAddress);
        }

        if (policy.Captures(AuditingFields.UserAgent) && context.Request.Headers.UserAgent.ToString() is { Length: > 0 } userAgent)
        {
            agent = Bound(userAgent, policy.UserAgentMaxLength);
        }

        return new RequestParty(userId, username, email, session, tenant, ip, agent);
    }

    /// <summary>
    /// The connection's address. It is the client's own, or the one ASP.NET Core's forwarded-headers middleware took
    /// from <c>X-Forwarded-For</c> because the connection came from a known proxy; the header is never read here.
    /// </summary>
    internal static string? ClientIpOf(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    private static void ReadUser(
        ClaimsPrincipal user,
        AuditingPolicy policy,
        out string? userId,
        out string? username,
        out string? email,
        out string? sessionId)
    {
        userId = username = email = sessionId = null;
        // One pass over the claims, keeping the best-ranked match of each list: FindFirst per claim type would walk
        // the claims (and allocate an enumerator) once per configured type.
        string? id = null, name = null, mail = null, session = null;
        int idRank = int.MaxValue, nameRank = int.MaxValue, emailRank = int.MaxValue, sessionRank = int.MaxValue;
        var authenticated = false;
        foreach (var identity in user.Identities)
        {
            if (!identity.IsAuthenticated)
            {
                continue;
            }

            authenticated = true;
            foreach (var claim in identity.Claims)
            {
                Rank(claim, policy.UserIdClaimTypes, ref id, ref idRank);
                Rank(claim, policy.UsernameClaimTypes, ref name, ref nameRank);
                Rank(claim, policy.UserEmailClaimTypes, ref mail, ref emailRank);
                Rank(claim, policy.SessionIdClaimTypes, ref session, ref sessionRank);
            }
        }

        if (!authenticated)
        {
            return;
        }

        userId = Bound(id, AuditEventLimits.UserId);
        username = Bound(name ?? user.Identity?.Name, AuditEventLimits.Username);
        email = Bound(mail, AuditEventLimits.UserEmail);
        sessionId = Bound(session, AuditEventLimits.SessionId);
    }

    private static void Rank(Claim claim, string[] types, ref string? value, ref int rank)
    {
        for (var i = 0; i < types.Length && i < rank; i++)
        {
            if (string.Equals(claim.Type, types[i], StringComparison.Ordinal) && claim.Value.Length > 0)
            {
                value = claim.Value;
                rank = i;
                return;
            }
        }
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

    private JsonNode BodyNode(BodyCaptureBuffer body, BodyMediaType type)
    {
        // A body larger than the limit cannot be masked reliably (a cut JSON document does not parse), so it is
        // recorded by size only rather than risk a secret in its unparsed tail.
        if (body.Truncated)
        {
            return new JsonObject { ["omitted"] = "too large", ["length"] = body.Length };
        }

        switch (type)
        {
            case BodyMediaType.Json:
                return ParseAndMask(body.Content) ?? new JsonObject { ["omitted"] = "invalid json", ["length"] = body.Length };
            case BodyMediaType.Form:
                return JsonValue.Create(queryMasker.MaskForm(Encoding.UTF8.GetString(body.Content)));
            default:
                return new JsonObject { ["omitted"] = "media type", ["length"] = body.Length };
        }
    }

    private JsonNode? ParseAndMask(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 64 });
            var node = JsonNode.Parse(ref reader);
            jsonMasker.MaskInPlace(node);
            return node;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonObject Metadata(AuditEvent auditEvent) => auditEvent.Metadata ??= [];

    private readonly record struct RequestParty(
        string? UserId,
        string? Username,
        string? UserEmail,
        string? SessionId,
        string? TenantId,
        string? IpAddress,
        string? UserAgent);
}
