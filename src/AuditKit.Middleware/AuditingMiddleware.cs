using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AuditKit.Middleware;

/// <summary>
/// Records one <see cref="AuditEvent"/> per request. The request path only builds the event and hands it to the
/// in-process sink: nothing here awaits I/O of its own, and nothing that goes wrong while auditing (a full or throwing
/// sink, a throwing enricher) changes the response. An exception from the application is recorded and passes through
/// untouched, caught by no one here.
/// </summary>
internal sealed class AuditingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly AuditingPolicyProvider _policies;
    private readonly HttpAuditEventFactory _factory;
    private readonly CaptureMetadata _captures;
    private readonly AuditEventWriter _writer;
    private readonly AuditSampler _sampler;
    private readonly AuditingMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public AuditingMiddleware(
        RequestDelegate next,
        AuditingPolicyProvider policies,
        HttpAuditEventFactory factory,
        CaptureMetadata captures,
        AuditEventWriter writer,
        AuditSampler sampler,
        AuditingMetrics metrics,
        TimeProvider timeProvider,
        ILogger<AuditingMiddleware> logger)
    {
        ArgumentNullException.ThrowIfNull(next);
        _next = next;
        _policies = policies;
        _factory = factory;
        _captures = captures;
        _writer = writer;
        _sampler = sampler;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var policy = _policies.Current;
        if (policy.IsExcluded(context.Request.Path) || context.Features.Get<AuditingFeature>() is not null)
        {
            return _next(context);
        }

        // Without an endpoint yet (routing runs later, or nothing matched) the decision waits for the end of the request.
        if (context.GetEndpoint() is { } endpoint)
        {
            var endpointPolicy = policy.ForEndpoint(endpoint);
            if (endpointPolicy.Disabled || (!endpointPolicy.Explicit && !IsAuditedByMode(policy.Mode, context.Request.Method)))
            {
                return _next(context);
            }
        }

        return InvokeAuditedAsync(context, policy);
    }

    private async Task InvokeAuditedAsync(HttpContext context, AuditingPolicy policy)
    {
        var started = _timeProvider.GetTimestamp();
        var feature = new AuditingFeature
        {
            Policy = policy,
            Timestamp = _timeProvider.GetUtcNow(),

            // Without an activity the request still gets a trace id of its own, shared by the events it causes.
            TraceId = AuditTraceIds.Current() ?? ActivityTraceId.CreateRandom().ToHexString(),
        };
        context.Features.Set(feature);

        BodyCaptureBuffer? requestBody = null;
        BodyCaptureBuffer? responseBody = null;
        var requestBodyType = BodyMediaType.Unsupported;
        Stream? originalRequestBody = null;
        Stream? originalResponseBody = null;

        if (policy.Captures(AuditingFields.RequestBody)
            && (requestBodyType = BodyMediaTypes.Classify(context.Request.ContentType)) != BodyMediaType.Unsupported)
        {
            requestBody = new BodyCaptureBuffer(policy.RequestBodyLimit);
            originalRequestBody = context.Request.Body;
            context.Request.Body = new RequestBodyCaptureStream(originalRequestBody, requestBody);
        }

        if (policy.Captures(AuditingFields.ResponseBody))
        {
            responseBody = new BodyCaptureBuffer(policy.ResponseBodyLimit);
            originalResponseBody = context.Response.Body;
            context.Response.Body = new ResponseBodyCaptureStream(originalResponseBody, responseBody);
        }

        Exception? exception = null;
        try
        {
            await _next(context);
        }
        catch (Exception thrown) when (Observe(thrown, out exception))
        {
            // Never reached: Observe returns false, so the exception is only looked at, never caught or rethrown.
            throw;
        }
        finally
        {
            if (originalRequestBody is not null)
            {
                context.Request.Body = originalRequestBody;
            }

            if (originalResponseBody is not null)
            {
                context.Response.Body = originalResponseBody;
            }

            try
            {
                Record(context, feature, started, exception, requestBody, requestBodyType, responseBody);
            }
            catch (Exception failure)
            {
                _metrics.Failed(AuditSources.Http);
                AuditingLog.RecordingFailed(_logger, failure, context.Request.Method, context.Request.Path.Value ?? "/");
            }
            finally
            {
                feature.Completed = true;
                requestBody?.Dispose();
                responseBody?.Dispose();
            }
        }
    }

    private void Record(
        HttpContext context,
        AuditingFeature feature,
        long started,
        Exception? exception,
        BodyCaptureBuffer? requestBody,
        BodyMediaType requestBodyType,
        BodyCaptureBuffer? responseBody)
    {
        var policy = feature.Policy;
        var endpoint = policy.ForEndpoint(context.GetEndpoint());
        var method = context.Request.Method;
        var signIn = feature.SignInAction is not null;

        // Sign-in outcomes are always recorded; anything else follows the endpoint's metadata and the mode.
        if (!signIn && (endpoint.Disabled || (!endpoint.Explicit && !IsAuditedByMode(policy.Mode, method))))
        {
            return;
        }

        var statusCode = exception switch
        {
            null => context.Response.StatusCode,
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => 499,
            _ => StatusCodes.Status500InternalServerError,
        };

        if (!signIn
            && exception is null
            && statusCode < 400
            && policy.SuccessfulReadSampleRate < 1.0
            && string.Equals(endpoint.Action ?? policy.ActionFor(method), AuditActions.Read, StringComparison.Ordinal)
            && !_sampler.Keep(policy.SuccessfulReadSampleRate))
        {
            _metrics.SampledOut();
            return;
        }

        var duration = _timeProvider.GetElapsedTime(started).TotalMilliseconds;
        var auditEvent = _factory.CreateRequestEvent(context, feature, endpoint, statusCode, duration, exception);
        if (requestBody is not null || responseBody is not null || policy.Captures(AuditingFields.RequestHeaders | AuditingFields.ResponseHeaders))
        {
            _captures.Add(auditEvent, context, policy, requestBody, requestBodyType, responseBody);
        }

        _writer.Write(auditEvent, context);
    }

    private static bool Observe(Exception thrown, out Exception exception)
    {
        exception = thrown;
        return false;
    }

    private static bool IsAuditedByMode(AuditingMode mode, string method) => mode switch
    {
        AuditingMode.AllRequests => true,
        AuditingMode.StateChanging => !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method)),
        _ => false,
    };
}
