using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditKit.Masking;
using Microsoft.AspNetCore.Http;

namespace AuditKit.Middleware;

/// <summary>
/// Writes what the middleware captured of a request (headers by allowlist, bodies) into its event's metadata, masked:
/// a JSON body is parsed and masked by name, a form by field, anything else recorded by size only.
/// </summary>
internal sealed class CaptureMetadata(QueryStringMasker queryMasker, AuditJsonMasker jsonMasker)
{
    /// <summary>Adds the captured headers and bodies to the event's metadata.</summary>
    public void Add(
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
}
