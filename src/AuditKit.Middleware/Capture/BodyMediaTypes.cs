namespace AuditKit.Middleware;

/// <summary>Classifies a <c>Content-Type</c> without parsing it into objects.</summary>
internal static class BodyMediaTypes
{
    public static BodyMediaType Classify(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return BodyMediaType.Unsupported;
        }

        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        var mediaType = (semicolon < 0 ? span : span[..semicolon]).Trim();
        if (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            return BodyMediaType.Json;
        }

        return mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            ? BodyMediaType.Form
            : BodyMediaType.Unsupported;
    }
}
