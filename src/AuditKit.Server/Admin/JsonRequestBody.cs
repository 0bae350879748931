using System.Text.Json.Serialization.Metadata;
using AuditKit.Server.Ingest;

namespace AuditKit.Server.Admin;

/// <summary>The small JSON bodies of the management endpoints (admin, webhooks, alerts, console users), read whole.</summary>
internal static class JsonRequestBody
{
    /// <summary>
    /// Reads the body, at most <paramref name="maxBytes"/> bytes, as <typeparamref name="T"/> (null for a JSON
    /// <c>null</c>). Returns the value, or the problem to answer with: <c>Problem</c> when the body cannot be read
    /// (<see cref="RequestBody.ReadAsync"/>), <c>Invalid</c> naming the field when it is not valid JSON or a field has
    /// the wrong type (<paramref name="expected"/> says what the fields are).
    /// </summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem, ValidationProblem? Invalid)> ReadAsync<T>(
        HttpContext context, int maxBytes, JsonTypeInfo<T> typeInfo, string expected, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        var (body, problem) = await RequestBody.ReadAsync(context.Request, maxBytes, cancellationToken);
        if (problem is not null)
        {
            return (null, problem, null);
        }

        using (body)
        {
            try
            {
                return (JsonSerializer.Deserialize(body!.Content.Span, typeInfo), null, null);
            }
            catch (JsonException ex)
            {
                var field = ex.Path is { Length: > 1 } path ? path.TrimStart('$').TrimStart('.') : JsonSyntaxErrorLocator.BodyField;
                return (null, null, Invalid(field, $"is not valid JSON or has the wrong type ({expected})."));
            }
        }
    }

    /// <summary>A validation problem of the body: <paramref name="message"/> under <paramref name="field"/>.</summary>
    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [message] },
            title: "The request body is not valid.");
}
