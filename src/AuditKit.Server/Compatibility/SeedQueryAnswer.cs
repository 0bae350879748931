using AuditKit.Server.Auth;

namespace AuditKit.Server.Compatibility;

/// <summary>
/// A seed's query answered from the native store for the caller's tenant: the seed's parameters mapped onto a native
/// query (null when they are not valid: a validation problem), the page answered in the seed's shape.
/// </summary>
internal static class SeedQueryAnswer
{
    /// <summary>The seed's mapping of its parameters onto a native query, at most <c>maxPageSize</c> a page.</summary>
    public delegate AuditEventQuery? ToNative(SeedQueryParameters parameters, int maxPageSize);

    /// <summary>Answers the query of <paramref name="parameters"/>.</summary>
    private static async Task<IResult> AnswerAsync(
        HttpContext context,
        SeedQueryParameters parameters,
        IAuditEventStore store,
        AuditKitServerOptions options,
        ToNative toNative,
        Func<AuditEventQuery, AuditEventPage, JsonObject> answer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var query = parameters.Errors.Count == 0 ? toNative(parameters, options.MaxPageSize) : null;
        if (query is null)
        {
            return ValidationErrors.InvalidQuery(parameters.Errors);
        }

        var page = await store.QueryAsync(AuditCaller.From(context.User).TenantId!, query, cancellationToken);
        return TypedResults.Ok(answer(query, page));
    }

    /// <summary>Maps GET <paramref name="pattern"/>: the query whose parameters are the request's query string, answered by <paramref name="answer"/>.</summary>
    public static RouteHandlerBuilder MapQuery(
        this IEndpointRouteBuilder routes, string pattern, ToNative toNative, Func<AuditEventQuery, AuditEventPage, JsonObject> answer) =>
        routes.MapGet(
            pattern,
            (HttpContext context, IAuditEventStore store, IOptions<AuditKitServerOptions> options, CancellationToken cancellationToken) =>
                AnswerQueryStringAsync(context, store, options.Value, toNative, answer, cancellationToken));

    /// <summary>Maps POST <paramref name="pattern"/>: the query whose parameters are the request's JSON object body, answered by <paramref name="answer"/>.</summary>
    public static RouteHandlerBuilder MapQueryBody(
        this IEndpointRouteBuilder routes, string pattern, ToNative toNative, Func<AuditEventQuery, AuditEventPage, JsonObject> answer) =>
        routes.MapPost(
            pattern,
            (HttpContext context, IAuditEventStore store, IOptions<AuditKitServerOptions> options, CancellationToken cancellationToken) =>
                AnswerBodyAsync(context, store, options.Value, toNative, answer, cancellationToken));

    private static Task<IResult> AnswerQueryStringAsync(
        HttpContext context,
        IAuditEventStore store,
        AuditKitServerOptions options,
        ToNative toNative,
        Func<AuditEventQuery, AuditEventPage, JsonObject> answer,
        CancellationToken cancellationToken) =>
        AnswerAsync(context, SeedQueryParameters.FromQueryString(context.Request.Query), store, options, toNative, answer, cancellationToken);

    private static async Task<IResult> AnswerBodyAsync(
        HttpContext context,
        IAuditEventStore store,
        AuditKitServerOptions options,
        ToNative toNative,
        Func<AuditEventQuery, AuditEventPage, JsonObject> answer,
        CancellationToken cancellationToken)
    {
        var (parameters, problem) = await SeedQueryParameters.FromBodyAsync(context.Request, options.MaxEventBytes, cancellationToken);
        return problem ?? await AnswerAsync(context, parameters!, store, options, toNative, answer, cancellationToken);
    }
}
