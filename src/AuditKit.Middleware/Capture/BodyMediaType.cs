namespace AuditKit.Middleware;

/// <summary>The body media types the middleware can mask, and so record: JSON and HTML forms.</summary>
internal enum BodyMediaType
{
    Unsupported = 0,
    Json = 1,
    Form = 2,
}
